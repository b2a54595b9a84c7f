"""descgen: SEO product descriptions through Amazon Bedrock batch inference.

Kept free of imports on purpose: the Lambdas are packaged with ``descgen.contract``
only, and importing that must not drag in the rest of the library.
"""
