"""Built-in Jinja2 text templates (quotes per region, mail-outs), shipped in the wheel."""
