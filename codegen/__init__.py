"""Generator of the elasticsearch, elasticsearch8 and elasticsearch7 API packages."""
