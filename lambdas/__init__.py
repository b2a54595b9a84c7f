"""The two in-AWS steps, one folder per function.

Each folder's ``handler.py`` is zipped with ``descgen/contract`` only (see
``infra/package_lambdas.py``) and runs with nothing but the standard library and
boto3, as the AWS Python runtime provides them.
"""
