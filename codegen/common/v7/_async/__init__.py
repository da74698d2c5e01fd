"""The asyncio side of the client: ``AsyncElasticsearch``, ``AsyncTransport``, ``AIOHttpConnection``."""
