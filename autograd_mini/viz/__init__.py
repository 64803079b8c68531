"""Seeing the graph: ``draw.py`` (DOT and SVG, local derivatives on the edges),
``explain.py`` (the chain rule written out with numbers), ``steps.py`` (the backward
pass one node at a time)."""
