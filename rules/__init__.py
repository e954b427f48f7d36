"""Built-in intake rules: one TOML file per platform, email.toml for all mail."""
