"""Pipeline of the am-az-normalization data package: load, validate, build, docs, release."""
