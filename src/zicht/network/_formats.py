"""The graph in the files analysts open: GraphML, GEXF (Gephi) and i2's entity/link CSV.

Pure writers on two tables: nodes (`node`, `label`, `kind`, `network`, `component`,
`betweenness`, `articulation`) and edges (`source_node`, `target_node`, `kind`,
`registrations`, `organisations`, `first_seen`, `last_seen`). Every attribute of both
is written with its type, so that networkx and Gephi read them back.
The i2 file is a ZIP of `entities.csv` and `links.csv` (docs/network.md gives the
import specification for Analyst's Notebook).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

__all__ = ["EDGE_ATTRIBUTES", "FORMATS", "NODE_ATTRIBUTES", "write_graph"]

FORMATS = ("graphml", "gexf", "i2")

# attribute -> (GraphML type, GEXF type)
NODE_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "label": ("string", "string"),
    "kind": ("string", "string"),
    "network": ("int", "integer"),
    "component": ("int", "integer"),
    "betweenness": ("double", "double"),
    "articulation": ("boolean", "boolean"),
}
EDGE_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "kind": ("string", "string"),
    "registrations": ("int", "integer"),
    "organisations": ("string", "string"),
    "first_seen": ("string", "string"),
    "last_seen": ("string", "string"),
}


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _graphml(nodes: pd.DataFrame, edges: pd.DataFrame) -> bytes:
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", {"xmlns": ns})
    for scope, attributes in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        for name, (kind, _) in attributes.items():
            ET.SubElement(
                root,
                "key",
                {"id": f"{scope}_{name}", "for": scope, "attr.name": name, "attr.type": kind},
            )
    graph = ET.SubElement(root, "graph", {"id": "zicht", "edgedefault": "undirected"})
    for row in nodes.to_dict("records"):
        element = ET.SubElement(graph, "node", {"id": f"n{row['node']}"})
        for name in NODE_ATTRIBUTES:
            ET.SubElement(element, "data", {"key": f"node_{name}"}).text = _text(row[name])
    for number, row in enumerate(edges.to_dict("records")):
        element = ET.SubElement(
            graph,
            "edge",
            {
                "id": f"e{number}",
                "source": f"n{row['source_node']}",
                "target": f"n{row['target_node']}",
            },
        )
        for name in EDGE_ATTRIBUTES:
            ET.SubElement(element, "data", {"key": f"edge_{name}"}).text = _text(row[name])
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _gexf(nodes: pd.DataFrame, edges: pd.DataFrame) -> bytes:
    root = ET.Element("gexf", {"xmlns": "http://gexf.net/1.3", "version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "Zicht"
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "undirected", "mode": "static"})
    for scope, attributes in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        declared = ET.SubElement(graph, "attributes", {"class": scope})
        for name, (_, kind) in attributes.items():
            if scope == "node" and name == "label":
                continue  # a GEXF node has its own label
            ET.SubElement(declared, "attribute", {"id": name, "title": name, "type": kind})
    listed = ET.SubElement(graph, "nodes")
    for row in nodes.to_dict("records"):
        element = ET.SubElement(listed, "node", {"id": f"n{row['node']}", "label": row["label"]})
        values = ET.SubElement(element, "attvalues")
        for name in NODE_ATTRIBUTES:
            if name != "label":
                ET.SubElement(values, "attvalue", {"for": name, "value": _text(row[name])})
    linked = ET.SubElement(graph, "edges")
    for number, row in enumerate(edges.to_dict("records")):
        element = ET.SubElement(
            linked,
            "edge",
            {
                "id": f"e{number}",
                "source": f"n{row['source_node']}",
                "target": f"n{row['target_node']}",
                "weight": _text(float(row["registrations"])),
            },
        )
        values = ET.SubElement(element, "attvalues")
        for name in EDGE_ATTRIBUTES:
            ET.SubElement(values, "attvalue", {"for": name, "value": _text(row[name])})
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(frame.columns)
    writer.writerows([_text(v) for v in row] for row in frame.itertuples(index=False))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM tells i2 (Windows) it is UTF-8


def _i2(nodes: pd.DataFrame, edges: pd.DataFrame) -> bytes:
    entities = pd.DataFrame(
        {
            "Entity ID": "n" + nodes["node"].astype(str),
            "Entity Type": nodes["kind"],
            "Label": nodes["label"],
            "Network": nodes["network"],
            "Component": nodes["component"],
            "Betweenness": nodes["betweenness"].round(3),
            "Articulation Point": nodes["articulation"],
        }
    )
    links = pd.DataFrame(
        {
            "From Entity ID": "n" + edges["source_node"].astype(str),
            "To Entity ID": "n" + edges["target_node"].astype(str),
            "Link Type": edges["kind"],
            "Registrations": edges["registrations"],
            "Organisations": edges["organisations"],
            "First Seen": edges["first_seen"],
            "Last Seen": edges["last_seen"],
        }
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("entities.csv", _csv(entities))
        archive.writestr("links.csv", _csv(links))
    return buffer.getvalue()


_WRITERS: dict[str, Callable[[pd.DataFrame, pd.DataFrame], bytes]] = {
    "graphml": _graphml,
    "gexf": _gexf,
    "i2": _i2,
}


def write_graph(nodes: pd.DataFrame, edges: pd.DataFrame, fmt: str, out: Path) -> None:
    """Write the graph to `out` in `fmt`; the file appears whole or not at all."""
    if fmt not in _WRITERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    data = _WRITERS[fmt](nodes, edges)
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
