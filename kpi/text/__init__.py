"""Words and numbers: translations, French and English formats, the engine's messages and user-facing errors, and data kept inert."""
