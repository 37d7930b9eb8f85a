"""REFI-QDA codebook: structure, stable GUIDs, and validation against the published schema."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

import pytest
from export_data import SECTOR_LABELS, SHL_LABELS, make_result

from socanalysis.export.qda import NAMESPACE, stable_guid, write_qdc

NS = {"q": NAMESPACE}

# The REFI-QDA Codebook schema (Codebook.xsd, QDA-XML codebook 1.0, www.qdasoftware.org,
# Copyright 2019 REFI, MIT license), transcribed: elements, types and patterns as published.
CODEBOOK_XSD = r"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns="urn:QDA-XML:codebook:1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    targetNamespace="urn:QDA-XML:codebook:1.0" elementFormDefault="qualified"
    attributeFormDefault="unqualified" version="1.0">
  <xsd:element name="CodeBook" type="CodeBookType"/>
  <xsd:complexType name="CodeBookType">
    <xsd:sequence>
      <xsd:element name="Codes" type="CodesType"/>
      <xsd:element name="Sets" type="SetsType" minOccurs="0"/>
    </xsd:sequence>
    <xsd:attribute name="origin" type="xsd:string"/>
  </xsd:complexType>
  <xsd:complexType name="CodesType">
    <xsd:sequence>
      <xsd:element name="Code" type="CodeType" maxOccurs="unbounded"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="SetsType">
    <xsd:sequence>
      <xsd:element name="Set" type="SetType" maxOccurs="unbounded"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="CodeType">
    <xsd:sequence>
      <xsd:element name="Description" type="xsd:string" minOccurs="0"/>
      <xsd:element name="Code" type="CodeType" minOccurs="0" maxOccurs="unbounded"/>
    </xsd:sequence>
    <xsd:attribute name="guid" type="GUIDType" use="required"/>
    <xsd:attribute name="name" type="xsd:string" use="required"/>
    <xsd:attribute name="isCodable" type="xsd:boolean" use="required"/>
    <xsd:attribute name="color" type="RGBType"/>
  </xsd:complexType>
  <xsd:complexType name="SetType">
    <xsd:sequence>
      <xsd:element name="Description" type="xsd:string" minOccurs="0"/>
      <xsd:element name="MemberCode" type="MemberCodeType" minOccurs="0" maxOccurs="unbounded"/>
    </xsd:sequence>
    <xsd:attribute name="guid" type="GUIDType" use="required"/>
    <xsd:attribute name="name" type="xsd:string" use="required"/>
  </xsd:complexType>
  <xsd:complexType name="MemberCodeType">
    <xsd:attribute name="guid" type="GUIDType" use="required"/>
  </xsd:complexType>
  <xsd:simpleType name="GUIDType">
    <xsd:restriction base="xsd:token">
      <xsd:pattern value="GUID_PATTERN"/>
    </xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="RGBType">
    <xsd:restriction base="xsd:token">
      <xsd:pattern value="#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})"/>
    </xsd:restriction>
  </xsd:simpleType>
</xsd:schema>
"""
_HEX_GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
CODEBOOK_XSD = CODEBOOK_XSD.replace("GUID_PATTERN", f"({_HEX_GUID})|(\\{{{_HEX_GUID}\\}})")


@pytest.fixture(scope="module")
def themes():
    return make_result(60, seed=2).themes


@pytest.fixture
def codebook(themes, tmp_path):
    path = write_qdc(themes, SHL_LABELS, SECTOR_LABELS, tmp_path / "codes.qdc", "fi")
    return path, ET.parse(path).getroot()


def test_codebook_structure(codebook, themes):
    _, root = codebook
    assert root.tag == f"{{{NAMESPACE}}}CodeBook" and root.get("origin") == "socanalysis"
    groups = root.findall("q:Codes/q:Code", NS)
    assert [g.get("name") for g in groups] == ["Teemat", "§11", "Hallinnonalat"]
    assert all(g.get("isCodable") == "false" for g in groups)
    theme_codes, shl_codes, sector_codes = (g.findall("q:Code", NS) for g in groups)
    assert len(theme_codes) == int((themes["theme_id"] >= 0).sum())  # no code for outliers
    assert [c.get("name") for c in shl_codes][:2] == [
        "§11.1 arjessa selviytyminen",
        "§11.2 asuminen",
    ]
    assert len(shl_codes) == 10 and len(sector_codes) == len(SECTOR_LABELS)
    assert all(c.get("isCodable") == "true" for c in theme_codes + shl_codes + sector_codes)
    housing = next(c for c in theme_codes if c.get("name") == "0 Nuorten aikuisten asumiskulut")
    description = housing.find("q:Description", NS).text
    assert "vuokra" in description and "hyra" in description and "Unga vuxnas" in description
    kela = next(c for c in sector_codes if c.get("name") == "Kela")
    assert kela.find("q:Description", NS).text.startswith("[kela]")
    sets = root.findall("q:Sets/q:Set", NS)
    assert [len(s.findall("q:MemberCode", NS)) for s in sets] == [len(theme_codes), 10, 9]


def test_guids_are_valid_unique_and_stable(codebook, themes, tmp_path):
    path, root = codebook
    guids = [c.get("guid") for c in root.iter(f"{{{NAMESPACE}}}Code")]
    assert len(set(guids)) == len(guids)
    assert all(uuid.UUID(g).version == 5 for g in guids)
    again = write_qdc(themes, SHL_LABELS, SECTOR_LABELS, tmp_path / "again.qdc", "fi")
    assert again.read_bytes() == path.read_bytes()
    assert stable_guid("shl:3") in guids
    members = {m.get("guid") for m in root.iter(f"{{{NAMESPACE}}}MemberCode")}
    assert members <= set(guids)


def test_swedish_names_and_descriptions_from_a_taxonomy_mapping(themes, tmp_path):
    taxonomy = {
        "2": {
            "label": {"fi": "asuminen", "sv": "boende"},
            "description": {"fi": "Asunto.", "sv": "Bostad."},
        }
    }
    root = ET.parse(write_qdc(themes, taxonomy, None, tmp_path / "sv.qdc", "sv")).getroot()
    shl = root.findall("q:Codes/q:Code", NS)[1].findall("q:Code", NS)
    assert [(c.get("name"), c.find("q:Description", NS).text) for c in shl] == [
        ("§11.2 boende", "Bostad.")
    ]


def test_codebook_validates_against_the_refi_qda_schema(codebook, themes, tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(CODEBOOK_XSD)
    path, _ = codebook
    schema.validate(str(path))
    empty = write_qdc(None, None, None, tmp_path / "empty.qdc", "en")
    schema.validate(str(empty))  # group codes only, no empty Sets element
    broken = path.read_text(encoding="utf-8").replace('isCodable="true"', 'isCodable="yes"', 1)
    (tmp_path / "broken.qdc").write_text(broken, encoding="utf-8")
    assert not schema.is_valid(str(tmp_path / "broken.qdc"))


class _Category:
    def __init__(self, key, label, description):
        self.key, self.label, self.description = key, label, description


class _Taxonomy:
    """Shaped like socanalysis.classify.Taxonomy: ``keys`` property, label(), category()."""

    def __init__(self, categories):
        self.categories = categories

    @property
    def keys(self):
        return [c.key for c in self.categories]

    def category(self, key):
        return next(c for c in self.categories if c.key == key)

    def label(self, key, language="fi"):
        labels = self.category(key).label
        return labels.get(language) or labels["fi"]


def test_taxonomy_objects_give_names_and_descriptions(themes, tmp_path):
    taxonomy = _Taxonomy(
        [_Category("kela", {"fi": "Kela", "sv": "FPA"}, {"fi": "Etuudet.", "sv": "Förmåner."})]
    )
    root = ET.parse(write_qdc(None, None, taxonomy, tmp_path / "t.qdc", "sv")).getroot()
    (code,) = root.findall("q:Codes/q:Code", NS)[2].findall("q:Code", NS)
    assert code.get("name") == "FPA"
    assert code.find("q:Description", NS).text == "[kela] Förmåner."
