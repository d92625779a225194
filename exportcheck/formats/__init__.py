"""Parsers for file formats, shared by sources where several lists use one format (OFAC, CSL, ...)."""
