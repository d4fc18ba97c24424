using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
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

        [Parameter(Position = 1)]
        [Alias("Buckets")]
        [ValidateNotNullOrEmpty]
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
            var request = BuildRequest();
            QueryResult result;
            try
            {
                result = Stream ? RunStreamed(request) : Run(ct => Service.QueryAsync(request, ct));
            }
            catch (Exception ex) when (IsOperationFailure(ex))
            {
                WriteServiceError(ex, Question);
                return;
            }

            WriteObject(new QueryAnswer(Question, request.EffectiveBuckets, result));
        }

        private QueryRequest BuildRequest()
        {
            var bound = MyInvocation.BoundParameters;
            var request = new QueryRequest
            {
                Query = Question,
                Buckets = Bucket,
                TopK = TopK,
                ReturnExplanation = !NoExplanation,
                SkipSynthesis = SkipSynthesis,
            };

            // Options are sent only when the user set them, so the server's defaults stay in charge otherwise.
            if (bound.ContainsKey(nameof(MaxTokens)))
            {
                request.MaxTokens = MaxTokens;
            }

            if (bound.ContainsKey(nameof(MinSimilarity)))
            {
                request.MinSimilarityThreshold = MinSimilarity;
            }

            if (bound.ContainsKey(nameof(MinWeightedScore)))
            {
                request.MinWeightedScore = MinWeightedScore;
            }

            if (TopKPerBucket is Client.TopKPerBucket perBucket)
            {
                request.TopKPerBucket = perBucket;
            }

            if (bound.ContainsKey(nameof(ReturnFormat)))
            {
                request.ReturnFormat = ReturnFormat;
            }

            if (ResponseSchema is JsonElement schema)
            {
                request.ResponseSchema = schema;
                if (!bound.ContainsKey(nameof(ReturnFormat)))
                {
                    // A schema only means something for JSON answers.
                    request.ReturnFormat = Client.ReturnFormat.Json;
                }
            }

            return request;
        }

        private QueryResult RunStreamed(QueryRequest request)
        {
            var wroteText = false;
            var result = Run(async ct =>
            {
                var text = new StringBuilder();
                QueryResult? final = null;
                var stream = Service.QueryStreamAsync(request, ct);
                await foreach (var item in stream.WithCancellation(ct).ConfigureAwait(false))
                {
                    if (item.Type == QueryStreamEventType.Delta && !string.IsNullOrEmpty(item.Content))
                    {
                        var delta = item.Content!;
                        text.Append(delta);
                        Pump.Post(() =>
                        {
                            WriteHostText(delta, noNewLine: true);
                            wroteText = true;
                        });
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
            });

            if (wroteText)
            {
                WriteHostText("", noNewLine: false);
            }

            return result;
        }
    }
}
