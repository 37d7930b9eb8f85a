"""A model saved by train-categories suggests in a later analyze (``category_models``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import socanalysis as sa
from socanalysis.cli import main
from socanalysis.errors import ConfigError

# a planted pattern no zero-shot reading gives: rent and housing benefit filed as point 7
HOUSING = [
    "Vuokra on noussut ja asumistuki ei riitä.",
    "Nuoren vuokra-asunto on liian kallis.",
    "Asumistuki ei kata vuokraa, häätö uhkaa.",
    "Vuokrat nousevat ja asunnoton nuori jonottaa.",
    "Asiakkaan vuokrarästit kasvavat.",
    "Hyran är för hög och bostadsbidraget räcker inte.",
    "Vuokranantaja nosti vuokraa taas.",
    "Asunnon vuokra vie koko toimeentulon.",
    "Nuori ei löydä edullista vuokra-asuntoa.",
    "Asumistuen leikkaus nosti vuokrarästejä.",
    "Vuokra-asuntojen jonot ovat pitkät.",
    "Hyresgästen har hyresskulder.",
]
DEBT = [
    "Velat kasvavat ja ulosotto uhkaa.",
    "Pikavipit ajavat velkakierteeseen.",
    "Asiakkaalla on maksuhäiriömerkintä.",
    "Velkaneuvontaan on pitkä jono.",
    "Ulosotto vie palkasta suuren osan.",
    "Skulderna växer och utmätning hotar.",
    "Kulutusluottojen korot ovat kohtuuttomia.",
    "Velkajärjestelyä ei myönnetty.",
    "Laskut jäävät maksamatta kuukausittain.",
    "Perintäkulut kasvattavat velkaa.",
    "Luottotiedot menivät velkojen takia.",
    "Asiakas otti vipin vuokran maksuun.",
]


@pytest.fixture(scope="module")
def saved_shl_model(tmp_path_factory) -> Path:
    from socanalysis.classify.suggester import CategorySuggester
    from socanalysis.nlp.embeddings import get_embedder

    texts = HOUSING + DEBT
    embedder = get_embedder("e5-small-bundled")
    X = embedder.encode(texts, kind="query")
    model = CategorySuggester("shl11", embedder=embedder).fit(
        texts,
        X,
        ["fi"] * len(texts),
        labels=["7"] * len(HOUSING) + ["5"] * len(DEBT),
        report_ids=[f"train-{i}" for i in range(len(texts))],
    )
    folder = tmp_path_factory.mktemp("models") / "categories-shl11"
    model.save(folder)
    return folder


def test_analyze_suggests_with_the_saved_model_and_fits_nothing(export_csv, saved_shl_model):
    plain = sa.analyze(export_csv, seed=1)
    used = sa.analyze(export_csv, seed=1, category_models={"shl": saved_shl_model})
    ok = used.reports["status"] == "ok"
    rent = (used.reports["text"].str.contains("vuokrat") & ok).to_numpy()
    # the planted pattern comes through; without the model the same report reads as housing
    assert used.reports.loc[rent, "shl_suggested"].str.split(";").str[0].tolist() == ["7"]
    assert plain.reports.loc[rent, "shl_suggested"].str.split(";").str[0].tolist() == ["2"]
    model = used.category_models["shl"]
    assert model.train_ids_[:2] == ["train-0", "train-1"] and model.n_labelled_ == 24
    record = used.run_info["categories"]["shl"]["saved_model"]
    assert record == {"folder": str(saved_shl_model), "mode": "supervised", "trained_on": 24}
    assert "saved_model" not in used.run_info["categories"]["sectors"]  # fitted in the run


def test_the_command_line_and_a_settings_file_name_the_model(tmp_path, export_csv, saved_shl_model):
    out = tmp_path / "o"
    result = CliRunner().invoke(
        main,
        [
            "analyze",
            str(export_csv),
            "--out",
            str(out),
            "--category-model",
            f"shl={saved_shl_model}",
        ],
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"§11 points: suggested by the saved model {saved_shl_model} (trained on 24" in said
    info = json.loads((out / "run.json").read_text("utf-8"))
    assert info["config"]["category_models"] == {"shl": str(saved_shl_model)}
    # in a settings file a relative folder is read from the settings file's folder
    settings = saved_shl_model.parent / "settings.toml"
    settings.write_text(f'[category_models]\nshl = "{saved_shl_model.name}"\n', encoding="utf-8")
    config = sa.AnalysisConfig.from_toml(settings)
    assert config.category_models == {"shl": str(saved_shl_model)}


@pytest.mark.parametrize(
    ("models", "embedder", "message"),
    [
        ({"sector": "m"}, None, "category_models has 'sector'; use shl or sectors"),
        ({"shl": 5}, None, "category_models.shl=5 must be the folder of a saved model"),
        ({"shl": "{missing}"}, None, "model.json is missing (give the --out folder of"),
        ({"sectors": "{model}"}, None, "a model of the taxonomy 'shl11'"),
        ({"shl": "{model}"}, "e5-small-bundled-c", "trained on vectors of the embedder"),
    ],
)
def test_a_wrong_model_is_named_before_any_work(
    tmp_path, export_csv, saved_shl_model, models, embedder, message
):
    given = {
        k: v.format(missing=tmp_path / "none", model=saved_shl_model) if isinstance(v, str) else v
        for k, v in models.items()
    }
    settings = {"embedder": embedder} if embedder else {}
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        sa.analyze(export_csv, category_models=given, **settings)


def test_no_folder_after_the_equals_sign_is_a_usage_error(tmp_path, export_csv):
    result = CliRunner().invoke(
        main, ["analyze", str(export_csv), "--out", str(tmp_path / "o"), "--category-model", "shl"]
    )
    assert result.exit_code == 2
    assert "'shl': use NAME=FOLDER, e.g. shl=models/categories-shl11" in result.output
    assert not (tmp_path / "o").exists()
