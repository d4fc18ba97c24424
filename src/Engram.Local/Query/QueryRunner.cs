using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using Engram.Client;
using Engram.Local.Embedding;
using Engram.Local.Profiles;
using Engram.Local.Retrieval;
using Engram.Local.Storage;
using Engram.Local.Synthesis;
using Engram.Local.Text;
using Engram.Local.Validation;

namespace Engram.Local.Query
{
    /// <summary>
    /// Runs a query end to end (wire spec §7): hybrid retrieval per bucket, fusion across buckets by
    /// weighted_score, filters, profiles, extractive synthesis, explanation and usage.
    /// </summary>
    internal sealed class QueryRunner
    {
        private readonly LocalEngine _engine;

        public QueryRunner(LocalEngine engine) => _engine = engine;

        public QueryResult Run(string tenant, QueryRequest request, CancellationToken cancellationToken)
        {
            if (request == null)
            {
                throw EngramErrors.Invalid("a query request is required");
            }

            if (string.IsNullOrWhiteSpace(request.Query))
            {
                throw EngramErrors.Invalid("query is required");
            }

            cancellationToken.ThrowIfCancellationRequested();
            var topK = RequestRules.ClampTopK(request.TopK);
            var maxTokens = RequestRules.ClampMaxTokens(request.MaxTokens);
            var bucketNames = request.EffectiveBuckets.Where(b => b != null).Distinct(StringComparer.Ordinal).ToList();

            using var connection = _engine.Database.OpenConnection();
            var queryVector = (float[])_engine.Embedder.Embed(request.Query).Clone();
            VectorMath.NormalizeInPlace(queryVector);
            var ftsQuery = Fts5QueryBuilder.Build(connection, request.Query);

            var buckets = new List<BucketRow>();
            var hits = new List<RetrievalHit>();
            foreach (var name in bucketNames)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Unknown (or impossible) bucket names contribute nothing (Q9).
                var bucket = RequestRules.IsValidBucketName(name) ? BucketRepository.Find(connection, tenant, name) : null;
                if (bucket == null)
                {
                    continue;
                }

                buckets.Add(bucket);
                var depth = RequestRules.ClampTopK(request.TopKPerBucket?.Resolve(name, topK) ?? topK);
                hits.AddRange(HybridRetriever.Retrieve(connection, _engine.Vectors, bucket, queryVector, ftsQuery, new RetrievalLimits
                {
                    TopK = depth,
                    MinSimilarity = request.MinSimilarityThreshold,
                    MinWeightedScore = request.MinWeightedScore,
                }));
            }

            var ranked = HybridRetriever.MergeAcrossBuckets(hits);
            cancellationToken.ThrowIfCancellationRequested();

            // Profiles: one bucket → its snapshot; several → a map over those with a profiler (Q30).
            string? singleProfile = null;
            Dictionary<string, string?>? profiles = null;
            if (bucketNames.Count == 1 && buckets.Count == 1)
            {
                singleProfile = ProfileService.Read(connection, buckets[0].Id)?.Profile;
            }
            else if (bucketNames.Count > 1)
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

            var contextTokens = ranked.Sum(h => h.Row.TokenCount)
                + TokenCounter.Count(singleProfile)
                + (profiles?.Values.Sum(TokenCounter.Count) ?? 0);

            var result = new QueryResult
            {
                MemoriesFound = ranked.Count,
                Success = true,
            };

            if (request.SkipSynthesis)
            {
                result.Answer = "";
                result.Usage = new QueryUsage { ContextTokens = contextTokens };
                result.SynthesisUsage = ProviderUsage(0, 0);
            }
            else
            {
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
