using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.PowerShell.Binding;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// Invoke-EngramQuery: asks a question over one or more buckets. With -Stream the answer appears on the host
    /// as it is written, and the same result object as without -Stream is output at the end.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "EngramQuery")]
    [OutputType(typeof(QueryAnswer))]
    public sealed class InvokeEngramQueryCommand : EngramServiceCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Query")]
        [ValidateNotNullOrEmpty]
        public string Question { get; set; } = "";

        /// <summary>The buckets to ask (exact names or wildcards); bucket objects from Get-EngramBucket bind by their BucketName.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Buckets", "BucketName")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string[]? Bucket { get; set; }

        [Parameter]
        [ValidateRange(1, EngramLimits.MaxTopK)]
        public int TopK { get; set; } = EngramLimits.DefaultTopK;

        [Parameter]
        [TopKPerBucketTransformation]
        public object? TopKPerBucket { get; set; }

        [Parameter]
        public SwitchParameter SkipSynthesis { get; set; }

        [Parameter]
        public SwitchParameter NoExplanation { get; set; }

        [Parameter]
        [ValidateRange(1, 1_000_000)]
        public int MaxTokens { get; set; }

        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double MinSimilarity { get; set; }

        [Parameter]
        [ValidateRange(0.0, 1_000_000.0)]
        public double MinWeightedScore { get; set; }

        [Parameter]
        public ReturnFormat ReturnFormat { get; set; } = ReturnFormat.Prose;

        [Parameter]
        [JsonValueTransformation]
        public object? ResponseSchema { get; set; }

        [Parameter]
        public SwitchParameter Stream { get; set; }

        protected override void ProcessRecord()
        {
            string[]? buckets = null;
            if (Bucket != null)
            {
                // Unknown names are reported (a server would answer from nothing); none left, nothing to ask.
                buckets = ResolveBuckets(Bucket).ToArray();
                if (buckets.Length == 0)
                {
                    return;
                }
            }

            var request = BuildRequest(buckets);
            var answered = Stream
                ? TryRunStreamed(request, out var result)
                : TryRun(ct => Service.QueryAsync(request, ct), Question, out result);
            if (answered)
            {
                WriteObject(new QueryAnswer(Question, request.EffectiveBuckets, result));
            }
        }

        private QueryRequest BuildRequest(string[]? buckets)
        {
            var request = new QueryRequest
            {
                Query = Question,
                Buckets = buckets,
                TopK = TopK,
                ReturnExplanation = !NoExplanation,
                SkipSynthesis = SkipSynthesis,
            };

            // Options are sent only when the user set them, so the server's defaults stay in charge otherwise.
            if (IsBound(nameof(MaxTokens)))
            {
                request.MaxTokens = MaxTokens;
            }

            if (IsBound(nameof(MinSimilarity)))
            {
                request.MinSimilarityThreshold = MinSimilarity;
            }

            if (IsBound(nameof(MinWeightedScore)))
            {
                request.MinWeightedScore = MinWeightedScore;
            }

            if (TopKPerBucket is Client.TopKPerBucket perBucket)
            {
                request.TopKPerBucket = perBucket;
            }

            if (IsBound(nameof(ReturnFormat)))
            {
                request.ReturnFormat = ReturnFormat;
            }

            if (ResponseSchema is JsonElement schema)
            {
                request.ResponseSchema = schema;
                if (!IsBound(nameof(ReturnFormat)))
                {
                    // A schema only means something for JSON answers.
                    request.ReturnFormat = Client.ReturnFormat.Json;
                }
            }

            return request;
        }

        /// <summary>Like TryRun, writing the answer's text to the host as it arrives.</summary>
        private bool TryRunStreamed(QueryRequest request, out QueryResult result)
        {
            var wroteText = false;
            var answered = TryRun(
                ct => ReadStreamAsync(request, delta => Post(() =>
                {
                    WriteHostText(delta, noNewLine: true);
                    wroteText = true;
                }), ct),
                Question,
                out result);

            if (answered && wroteText)
            {
                WriteHostText("", noNewLine: false);
            }

            return answered;
        }

        /// <summary>Hands each piece of answer text to <paramref name="onDelta"/> (off the pipeline thread) and returns the final result.</summary>
        private async Task<QueryResult> ReadStreamAsync(QueryRequest request, Action<string> onDelta, CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            QueryResult? final = null;
            var stream = Service.QueryStreamAsync(request, cancellationToken);
            await foreach (var item in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (item.Type == QueryStreamEventType.Delta && !string.IsNullOrEmpty(item.Content))
                {
                    text.Append(item.Content);
                    onDelta(item.Content!);
                }
                else if (item.Type == QueryStreamEventType.Done)
                {
                    final = item.Final;
                }
            }

            if (final == null)
            {
                throw new EngramException("The query stream ended before its final frame; the answer may be incomplete.", 0);
            }

            if (string.IsNullOrEmpty(final.Answer) && text.Length > 0)
            {
                final.Answer = text.ToString();
            }

            return final;
        }
    }
}
