using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Eval.Sets;
using Engram.Local;
using Microsoft.Data.Sqlite;

namespace Engram.Eval.Running
{
    /// <summary>One way of ranking a set's memories for a question: the engine, or a baseline computed here.</summary>
    public interface IRetriever : IDisposable
    {
        /// <summary>Stores or indexes the memories, in the given (timestamp) order.</summary>
        Task IndexAsync(IReadOnlyList<EvalMemory> memories, CancellationToken cancellationToken);

        /// <summary>Indexes into the memory list, best first, at most <paramref name="topK"/>.</summary>
        Task<IReadOnlyList<int>> SearchAsync(string question, int topK, CancellationToken cancellationToken);
    }

    /// <summary>
    /// The engine through its public service API: a fresh in-memory <see cref="LocalEngine"/>, the memories
    /// stored in one bucket with dedup off (nothing merged away), questions asked with skip_synthesis, and
    /// the rank order read from explanation.retrieved_memories.
    /// </summary>
    public sealed class EngineRetriever : IRetriever
    {
        private const string Tenant = "eval";
        private const string Bucket = "eval";
        private readonly LocalEngine _engine;
        private readonly IEngramService _service;
        private readonly Dictionary<string, int> _indexOfMemoryId = new Dictionary<string, int>(StringComparer.Ordinal);

        public EngineRetriever(LocalEngineOptions options)
        {
            options.InMemory = true;
            _engine = LocalEngine.Open(options);
            _service = _engine.ForTenant(Tenant);
        }

        public async Task IndexAsync(IReadOnlyList<EvalMemory> memories, CancellationToken cancellationToken)
        {
            var results = await _service.StoreMemoriesAsync(Bucket, memories.Select(m => m.Text).ToList(), DedupPolicy.Off, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < results.Count; i++)
            {
                _indexOfMemoryId[results[i].Id] = i;
            }
        }

        public async Task<IReadOnlyList<int>> SearchAsync(string question, int topK, CancellationToken cancellationToken)
        {
            var request = new QueryRequest(question, Bucket) { TopK = topK, SkipSynthesis = true, ReturnExplanation = true };
            var result = await _service.QueryAsync(request, cancellationToken).ConfigureAwait(false);
            var retrieved = result.Explanation?.RetrievedMemories ?? Array.Empty<RetrievedMemory>();
            return retrieved.Select(r => _indexOfMemoryId.TryGetValue(r.MemoryId, out var i) ? i : -1).Where(i => i >= 0).Take(topK).ToList();
        }

        /// <summary>
        /// Stores the memories with the server's default dedup policy into a fresh engine and reports how many
        /// were merged, and which of them were merged (their ids as given).
        /// </summary>
        public static async Task<IReadOnlyList<string>> MergedUnderDefaultDedupAsync(LocalEngineOptions options, IReadOnlyList<EvalMemory> memories, CancellationToken cancellationToken)
        {
            options.InMemory = true;
            using var engine = LocalEngine.Open(options);
            using var service = engine.ForTenant(Tenant);
            var results = await service.StoreMemoriesAsync(Bucket, memories.Select(m => m.Text).ToList(), null, cancellationToken).ConfigureAwait(false);
            return results.Select((r, i) => (r, i)).Where(x => x.r.IsMerged).Select(x => memories[x.i].Id).ToList();
        }

        public void Dispose()
        {
            _service.Dispose();
            _engine.Dispose();
        }
    }

    /// <summary>
    /// Baseline: plain SQLite FTS5 BM25 with the porter tokenizer, one table per set, and an OR of the
    /// question's content words (stop words removed) as the query.
    /// </summary>
    public sealed class Bm25Retriever : IRetriever
    {
        private readonly SqliteConnection _connection;
        private readonly ContentWords _words;

        public Bm25Retriever(ContentWords words)
        {
            _words = words;
            _connection = new SqliteConnection("Data Source=:memory:");
            _connection.Open();
            using var create = _connection.CreateCommand();
            create.CommandText = "CREATE VIRTUAL TABLE memories USING fts5(text, tokenize = 'porter unicode61')";
            create.ExecuteNonQuery();
        }

        public Task IndexAsync(IReadOnlyList<EvalMemory> memories, CancellationToken cancellationToken)
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.CommandText = "INSERT INTO memories (rowid, text) VALUES ($id, $text)";
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var text = insert.Parameters.Add("$text", SqliteType.Text);
            for (var i = 0; i < memories.Count; i++)
            {
                id.Value = i;
                text.Value = memories[i].Text;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<int>> SearchAsync(string question, int topK, CancellationToken cancellationToken)
        {
            var terms = _words.Tokens(question).Distinct().Select(t => "\"" + t.Replace("\"", "\"\"") + "\"").ToList();
            var found = new List<int>();
            if (terms.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<int>>(found);
            }

            using var select = _connection.CreateCommand();
            select.CommandText = "SELECT rowid FROM memories WHERE memories MATCH $q ORDER BY bm25(memories) LIMIT $k";
            select.Parameters.AddWithValue("$q", string.Join(" OR ", terms));
            select.Parameters.AddWithValue("$k", topK);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                found.Add(reader.GetInt32(0));
            }

            return Task.FromResult<IReadOnlyList<int>>(found);
        }

        public void Dispose() => _connection.Dispose();
    }

    /// <summary>Baseline: brute-force cosine over the embedder's vectors of every memory, nothing else.</summary>
    public sealed class DenseRetriever : IRetriever
    {
        private readonly EvalEmbedder _embedder;
        private float[][] _vectors = Array.Empty<float[]>();

        public DenseRetriever(EvalEmbedder embedder) => _embedder = embedder;

        public async Task IndexAsync(IReadOnlyList<EvalMemory> memories, CancellationToken cancellationToken)
        {
            _vectors = await _embedder.EmbedAsync(memories.Select(m => m.Text).ToList(), cancellationToken).ConfigureAwait(false);
        }

        public async Task<IReadOnlyList<int>> SearchAsync(string question, int topK, CancellationToken cancellationToken)
        {
            var q = (await _embedder.EmbedAsync(new[] { question }, cancellationToken).ConfigureAwait(false))[0];
            var scores = new (float Score, int Index)[_vectors.Length];
            for (var i = 0; i < _vectors.Length; i++)
            {
                scores[i] = (Cosine(q, _vectors[i]), i);
            }

            return scores.OrderByDescending(s => s.Score).ThenBy(s => s.Index).Take(topK).Select(s => s.Index).ToList();
        }

        private static float Cosine(float[] a, float[] b)
        {
            double dot = 0, na = 0, nb = 0;
            for (var i = 0; i < a.Length; i++)
            {
                dot += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }

            return na == 0 || nb == 0 ? 0 : (float)(dot / Math.Sqrt(na * nb));
        }

        public void Dispose()
        {
        }
    }
}
