"""The database: models, the session scope, migrations and the queries of each step."""
