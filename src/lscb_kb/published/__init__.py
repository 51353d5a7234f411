"""The published view: what the site may show of every figure (disclosure control, not-reported
figures), decided once. No Sphinx here."""
