"""The contract shared by descgen and the Lambdas.

Standard library only (boto3 clients are passed in, never imported): this package
is zipped into each Lambda beside its handler and imported by descgen as well, so
there is one definition of every message, id and key with two consumers.
"""
