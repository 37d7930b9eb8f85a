import sys, time; sys.path.insert(0,'benchmarks')
from _sample import *
from socanalysis.classify.evaluate import cross_validate
for wp in [True, False]:
    df=load_sample(wp); X=embeddings(df.text.tolist())
    for tax, col in [("shl11","shl"),("sectors","sectors")]:
        r = cross_validate(df.text.tolist(), X, df.language.tolist(), df[col].tolist(), tax, mode="zero-shot")
        print(wp, tax, {k:r.summary[k] for k in ['top1','top3','top3_suggested','micro_f1','macro_f1','no_suggestion']})
