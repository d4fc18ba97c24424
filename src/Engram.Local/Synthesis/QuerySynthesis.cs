using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local.Query;

namespace Engram.Local.Synthesis
{
    /// <summary>
    /// Chooses where a query's answer comes from (<see cref="SynthesisMode"/>): the user's model over a
    /// retrieval-only run of <see cref="QueryRunner"/>, or the runner's own extractive answer. The one
    /// place LocalEngramService asks, so the hook into the query path stays a few lines.
    /// </summary>
    internal sealed class QuerySynthesis
    {
        public const string ByokNotConfiguredMessage = "No model provider key configured";

        private readonly LocalEngine _engine;
        private readonly QueryRunner _queries;
        private readonly ModelSynthesizer? _model;

        public QuerySynthesis(LocalEngine engine, QueryRunner queries)
        {
            _engine = engine;
            _queries = queries;
            _model = engine.Options.ChatClient == null ? null : new ModelSynthesizer(engine.Options.ChatClient);
        }

        /// <summary>Whether this query's answer comes from the model.</summary>
        public bool UsesModel(QueryRequest? request) =>
            request != null && !request.SkipSynthesis && _model != null && _engine.Options.Synthesis != SynthesisMode.Extractive;

        /// <summary>The runner's extractive answer, with the quoted memories marked; 412 when the engine requires a model it lacks.</summary>
        public async Task<QueryResult> ExtractiveAsync(string tenant, QueryRequest request, CancellationToken cancellationToken)
        {
            if (request != null && !request.SkipSynthesis && _engine.Options.Synthesis == SynthesisMode.Model)
            {
                // Wire spec §4.12 / B.16: what the hosted service answers a query when BYOK is missing.
                throw new EngramException(ByokNotConfiguredMessage, 412, null, EngramErrorCodes.ByokNotConfigured);
            }

            var result = await _queries.RunAsync(tenant, request!, cancellationToken).ConfigureAwait(false);
            if (!request!.SkipSynthesis)
            {
                Citations.MarkExtractiveAnswer(result.Explanation, result.Answer);
            }

            return result;
        }

        /// <summary>The answer from wherever <see cref="UsesModel"/> says.</summary>
        public async Task<QueryResult> AnswerAsync(string tenant, QueryRequest request, CancellationToken cancellationToken)
        {
            if (!UsesModel(request))
            {
                return await ExtractiveAsync(tenant, request, cancellationToken).ConfigureAwait(false);
            }

            var retrieval = await RetrieveAsync(tenant, request, cancellationToken).ConfigureAwait(false);
            return await _model!.AnswerAsync(request, retrieval, cancellationToken).ConfigureAwait(false);
        }

        public async IAsyncEnumerable<QueryStreamEvent> StreamAsync(string tenant, QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            // Retrieval is blocking SQLite work: keep it off the caller's thread, as the extractive stream does.
            var retrieval = await Task.Run(() => RetrieveAsync(tenant, request, cancellationToken), cancellationToken).ConfigureAwait(false);
            await foreach (var item in _model!.StreamAsync(request, retrieval, cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }

        /// <summary>Retrieval, filters, profiles and context accounting without an answer; always with the explanation, which the prompt needs.</summary>
        private Task<QueryResult> RetrieveAsync(string tenant, QueryRequest request, CancellationToken cancellationToken) =>
            _queries.RunAsync(tenant, new QueryRequest
            {
                Query = request.Query,
                Buckets = request.Buckets,
                TopK = request.TopK,
                ReturnExplanation = true,
                SkipSynthesis = true,
                MaxTokens = request.MaxTokens,
                MinSimilarityThreshold = request.MinSimilarityThreshold,
                MinWeightedScore = request.MinWeightedScore,
                TopKPerBucket = request.TopKPerBucket,
                ReturnFormat = request.ReturnFormat,
                ResponseSchema = request.ResponseSchema,
            }, cancellationToken);
    }
}
