"""Writers for the output contract: CSV tables, run.json, workbook, meeting report, charts."""
