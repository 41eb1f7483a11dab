"""An author's text: typography, what a reader sees of it, which characters the fonts can set."""
