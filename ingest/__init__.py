"""Files → clean text with structure → citable passages with metadata.

No model and no database here: `ingest.parse_file(path)` returns a `ParsedDocument`.
"""
