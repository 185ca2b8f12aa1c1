"""The StoreList suite: upstream's BenchmarkStoreList and BenchmarkStoreCreateList over the four store configurations."""
