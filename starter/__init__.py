"""Starter kit for the ad-linkage task: a synthetic ads corpus and an honest baseline.

`starter.generate` writes the corpus, `starter.baseline` predicts clusters, `starter.phones`
reads phone numbers and e-mails back from the ways ads write them. None of these import Django;
`starter.apps` only registers the ``generate_ads`` management command.
"""
