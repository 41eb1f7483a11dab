"""Reading YAML and loading a project in named steps."""
