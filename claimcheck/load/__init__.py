"""Stage 1, load: files, Word and PDF documents and crawl records become ``Source``
objects; every problem with an input becomes one ``InputProblem``."""
