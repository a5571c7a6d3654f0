"""Passages → embeddings + BM25 → Chroma collection; hybrid retrieval with filters.

Entry points: `index.store.ingest_paths`, `index.store.ensure_index`,
`index.search.get_searcher`, `index.retriever.HybridRetriever` (LangChain).
"""
