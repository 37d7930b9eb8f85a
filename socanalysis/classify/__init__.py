"""§11 support-need and sector taxonomies, suggesters and their evaluation."""
