"""The DuckDB SQL of every table and KPI (one idea per .sql file, in folders by kind) and the registry that loads and installs it."""
