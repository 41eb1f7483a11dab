"""The public projection: what may be published, Schwärzungen applied."""
