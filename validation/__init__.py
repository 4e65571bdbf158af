"""Theory-vs-simulation checks, hypothesis strategies, reports and the CLI."""
