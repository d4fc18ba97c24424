using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local.Profiles;
using Engram.Local.Retrieval;
using Engram.Local.Storage;
using Engram.Local.Synthesis;
using Engram.Local.Text;
using Engram.Local.Validation;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Query
{
    /// <summary>
    /// Runs a query end to end (wire spec §7): hybrid retrieval per bucket, one rank order across buckets,
    /// filters, profiles, extractive synthesis, explanation and usage.
    /// </summary>
    internal sealed class QueryRunner
    {
        private readonly LocalEngine _engine;

        public QueryRunner(LocalEngine engine) => _engine = engine;

        public async Task<QueryResult> RunAsync(string tenant, QueryRequest request, CancellationToken cancellationToken)
        {
            Validate(request);
            cancellationToken.ThrowIfCancellationRequested();
            var topK = RequestRules.ClampTopK(request.TopK);
            var maxTokens = RequestRules.ClampMaxTokens(request.MaxTokens);
            var bucketNames = request.EffectiveBuckets.Where(b => b != null).Distinct(StringComparer.Ordinal).ToList();

            var terms = Fts5QueryBuilder.Terms(request.Query);

            // The lexical search needs no vector: on the other core it runs while the model embeds the question
            // (100,000 model memories, 2-core machine: FTS5 plan and search 2.5 ms p50 / 5.8 ms p95, the question's
            // embedding 7–9 ms, so the query's wall time loses the lexical part). Not started by then: done inline.
            var lexical = !_engine.LexicalBesideEmbedding || _engine.Options.Retrieval == RetrievalMode.DenseOnly || terms.Count == 0
                ? null
                : SideWork<Dictionary<string, IReadOnlyList<LexicalHit>>>.Start(() => SearchLexical(tenant, bucketNames, terms, cancellationToken), cancellationToken);
            float[] queryVector;
            try
            {
                queryVector = await _engine.Embedder.EmbedAsync(request.Query, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Nothing of this query keeps running once it has failed.
                if (lexical != null)
                {
                    await lexical.AbandonAsync().ConfigureAwait(false);
                }

                throw;
            }

            var lexicalHits = lexical == null ? null : await lexical.ResultAsync().ConfigureAwait(false);
            using var connection = _engine.Database.OpenConnection();
            _engine.EnsureEmbedderStillMatches(connection);
            var buckets = ResolveBuckets(connection, tenant, bucketNames);
            var ranked = Retrieve(connection, buckets, request, queryVector, terms, lexicalHits, topK, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();

            var (singleProfile, profiles) = ReadProfiles(connection, bucketNames.Count, buckets);
            var contextTokens = ranked.Sum(h => h.Row.TokenCount)
                + TokenCounter.Count(singleProfile)
                + (profiles?.Values.Sum(TokenCounter.Count) ?? 0);

            var result = new QueryResult
            {
                MemoriesFound = ranked.Count,
                Success = true,
            };
            Synthesize(result, request, ranked, contextTokens, maxTokens);
            if (request.ReturnExplanation)
            {
                result.Explanation = new QueryExplanation
                {
                    RetrievedMemories = ranked.Select(ToRetrievedMemory).ToList(),
                    GraphFacts = new List<GraphFact>(),
                    EntityMatches = new List<EntityMatch>(),
                    ContextTokens = contextTokens,
                    Profile = singleProfile,
                    Profiles = profiles,
                };
            }

            return result;
        }

        private static void Validate(QueryRequest request)
        {
            if (request == null)
            {
                throw EngineErrors.Invalid("a query request is required");
            }

            if (string.IsNullOrWhiteSpace(request.Query))
            {
                throw EngineErrors.Invalid("query is required");
            }
        }

        /// <summary>The tenant's buckets among <paramref name="names"/>; unknown (or impossible) names contribute nothing (Q9).</summary>
        private static List<BucketRow> ResolveBuckets(SqliteConnection connection, string tenant, List<string> names)
        {
            var buckets = new List<BucketRow>();
            foreach (var name in names)
            {
                var bucket = RequestRules.IsValidBucketName(name) ? BucketRepository.Find(connection, tenant, name) : null;
                if (bucket != null)
                {
                    buckets.Add(bucket);
                }
            }

            return buckets;
        }

        /// <summary>Each named bucket's lexical hits, by bucket id, on a connection of its own (see <see cref="RunAsync"/>).</summary>
        private Dictionary<string, IReadOnlyList<LexicalHit>> SearchLexical(string tenant, List<string> bucketNames, List<string> terms, CancellationToken cancellationToken)
        {
            using var connection = _engine.Database.OpenConnection();
            var hits = new Dictionary<string, IReadOnlyList<LexicalHit>>(StringComparer.Ordinal);
            foreach (var bucket in ResolveBuckets(connection, tenant, bucketNames))
            {
                cancellationToken.ThrowIfCancellationRequested();
                hits[bucket.Id] = HybridRetriever.LexicalHits(connection, bucket, terms);
            }

            return hits;
        }

        /// <summary>
        /// Each bucket ranked to its depth (top_k_per_bucket, else top_k), then merged into one rank order. A bucket
        /// found in <paramref name="lexicalHits"/> uses those; one created since is searched here.
        /// </summary>
        private List<RetrievalHit> Retrieve(SqliteConnection connection, List<BucketRow> buckets, QueryRequest request, float[] queryVector, List<string> terms, Dictionary<string, IReadOnlyList<LexicalHit>>? lexicalHits, int topK, CancellationToken cancellationToken)
        {
            var perBucket = new List<List<RetrievalHit>>(buckets.Count);
            foreach (var bucket in buckets)
            {
                cancellationToken.ThrowIfCancellationRequested();
                perBucket.Add(HybridRetriever.Retrieve(connection, _engine.Vectors, bucket, new RetrievalRequest
                {
                    QueryVector = queryVector,
                    Terms = terms,
                    TopK = RequestRules.ClampTopK(request.TopKPerBucket?.Resolve(bucket.Name, topK) ?? topK),
                    MinSimilarity = request.MinSimilarityThreshold,
                    MinWeightedScore = request.MinWeightedScore,
                    Mode = _engine.Options.Retrieval,
                    Fusion = _engine.Fusion,
                    NearDuplicate = _engine.Calibration.NearDuplicate,
                    LexicalHits = lexicalHits != null && lexicalHits.TryGetValue(bucket.Id, out var hits) ? hits : null,
                }));
            }

            return HybridRetriever.MergeAcrossBuckets(perBucket);
        }

        /// <summary>Profiles: one bucket → its snapshot; several → a map over those with a profiler (Q30).</summary>
        private static (string? Single, Dictionary<string, string?>? Map) ReadProfiles(SqliteConnection connection, int requestedBuckets, List<BucketRow> buckets)
        {
            if (requestedBuckets == 1 && buckets.Count == 1)
            {
                return (ProfileService.Read(connection, buckets[0].Id)?.Profile, null);
            }

            Dictionary<string, string?>? profiles = null;
            if (requestedBuckets > 1)
            {
                foreach (var bucket in buckets)
                {
                    var state = ProfileService.Read(connection, bucket.Id);
                    if (state != null)
                    {
                        profiles ??= new Dictionary<string, string?>(StringComparer.Ordinal);
                        profiles[bucket.Name] = state.Profile;
                    }
                }
            }

            return (null, profiles);
        }

        /// <summary>The extractive answer (prose or JSON) and the usage a synthesis prompt would have had.</summary>
        private static void Synthesize(QueryResult result, QueryRequest request, List<RetrievalHit> ranked, int contextTokens, int maxTokens)
        {
            if (request.SkipSynthesis)
            {
                result.Answer = "";
                result.Usage = new QueryUsage { ContextTokens = contextTokens };
                result.SynthesisUsage = ProviderUsage(0, 0);
                return;
            }

            if (request.ReturnFormat == ReturnFormat.Json)
            {
                result.Answer = ExtractiveSynthesizer.ComposeJson(ranked, maxTokens, request.ResponseSchema, request.Query); // byok: best answer first
                using var document = JsonDocument.Parse(result.Answer);
                result.AnswerJson = document.RootElement.Clone();
            }
            else
            {
                result.Answer = ExtractiveSynthesizer.ComposeProse(ranked, maxTokens, request.Query); // byok: best answer first
            }

            var inputTokens = TokenCounter.Count(request.Query);
            var outputTokens = TokenCounter.Count(result.Answer);
            // What a synthesis prompt would have held: the question plus the retrieved context.
            var promptTokens = inputTokens + contextTokens;
            result.Usage = new QueryUsage
            {
                InputTokens = inputTokens,
                OutputTokens = outputTokens,
                ContextTokens = contextTokens,
                ActualInputTokens = promptTokens,
                ActualOutputTokens = outputTokens,
            };
            result.SynthesisUsage = ProviderUsage(promptTokens, outputTokens);
        }

        private static RetrievedMemory ToRetrievedMemory(RetrievalHit hit) => new RetrievedMemory
        {
            MemoryId = hit.Row.Id,
            BucketId = hit.Bucket.Id,
            BucketName = hit.Bucket.Name,
            Content = hit.Row.Content,
            RawScore = hit.RawScore,
            Weight = hit.Weight,
            WeightedScore = Math.Round(hit.WeightedScore, 6),
            Metadata = Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("created_at", hit.Row.CreatedAt);
                w.WriteNumber("token_count", hit.Row.TokenCount);
                w.WriteEndObject();
            }),
        };

        private static JsonElement ProviderUsage(int prompt, int completion) => Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("prompt_tokens", prompt);
            w.WriteNumber("completion_tokens", completion);
            w.WriteNumber("total_tokens", prompt + completion);
            w.WriteEndObject();
        });

        private static JsonElement Json(Action<Utf8JsonWriter> write)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                write(writer);
            }

            using var document = JsonDocument.Parse(stream.ToArray());
            return document.RootElement.Clone();
        }
    }
}
