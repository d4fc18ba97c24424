using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local.Text;
using Engram.Local.Validation;
using Microsoft.Extensions.AI;

namespace Engram.Local.Synthesis
{
    /// <summary>
    /// Answers from the user's model (BYOK) over what retrieval found: <see cref="GroundedPrompt"/> in,
    /// text (or JSON, through the provider's JSON mode and <see cref="AnswerJsonValidator"/>) out, capped at
    /// max_tokens, with the provider's token counts in usage / synthesis_usage and the cited memories
    /// marked in the explanation. Streaming passes each provider delta on as it arrives.
    /// </summary>
    internal sealed class ModelSynthesizer
    {
        private readonly IChatClient _chat;

        public ModelSynthesizer(IChatClient chat) => _chat = chat;

        public async Task<QueryResult> AnswerAsync(QueryRequest request, QueryResult retrieval, CancellationToken cancellationToken)
        {
            if (NothingToGroundOn(retrieval))
            {
                return Finish(request, retrieval, GroundedPrompt.NotInMemories, null);
            }

            var json = request.ReturnFormat == ReturnFormat.Json;
            ChatResponse response;
            try
            {
                response = await _chat.GetResponseAsync(GroundedPrompt.Build(request, retrieval, json), Options(request, json), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception failure) when (IsForeign(failure, cancellationToken))
            {
                throw Foreign(failure);
            }

            return Finish(request, retrieval, response.Text ?? "", response.Usage);
        }

        public async IAsyncEnumerable<QueryStreamEvent> StreamAsync(QueryRequest request, QueryResult retrieval, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (NothingToGroundOn(retrieval))
            {
                var empty = Finish(request, retrieval, GroundedPrompt.NotInMemories, null);
                yield return QueryStreamEvent.Delta(empty.Answer);
                yield return QueryStreamEvent.Done(empty);
                yield break;
            }

            var json = request.ReturnFormat == ReturnFormat.Json;
            var answer = new StringBuilder();
            UsageDetails? usage = null;
            var updates = _chat.GetStreamingResponseAsync(GroundedPrompt.Build(request, retrieval, json), Options(request, json), cancellationToken)
                .GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await updates.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception failure) when (IsForeign(failure, cancellationToken))
                    {
                        throw Foreign(failure);
                    }

                    if (!more)
                    {
                        break;
                    }

                    var update = updates.Current;
                    foreach (var content in update.Contents)
                    {
                        if (content is UsageContent counted)
                        {
                            usage ??= new UsageDetails();
                            usage.Add(counted.Details);
                        }
                    }

                    var text = update.Text;
                    if (!string.IsNullOrEmpty(text))
                    {
                        answer.Append(text);
                        yield return QueryStreamEvent.Delta(text);
                    }
                }
            }
            finally
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return QueryStreamEvent.Done(Finish(request, retrieval, answer.ToString(), usage));
        }

        private static ChatOptions Options(QueryRequest request, bool json) => new ChatOptions
        {
            MaxOutputTokens = RequestRules.ClampMaxTokens(request.MaxTokens),
            // Grounded answers should not wander; 0 keeps them repeatable where the provider allows.
            Temperature = 0,
            ResponseFormat = json ? GroundedPrompt.ResponseFormat(request) : null,
        };

        /// <summary>No memory and no profile: the answer is known without paying for a model call.</summary>
        private static bool NothingToGroundOn(QueryResult retrieval)
        {
            var explanation = retrieval.Explanation;
            return (explanation == null || explanation.RetrievedMemories.Count == 0)
                && explanation?.Profile == null
                && (explanation?.Profiles == null || explanation.Profiles.Values.AllNull());
        }

        private static QueryResult Finish(QueryRequest request, QueryResult retrieval, string answer, UsageDetails? usage)
        {
            var result = retrieval;
            result.Answer = answer;
            if (request.ReturnFormat == ReturnFormat.Json)
            {
                result.AnswerJson = answer == GroundedPrompt.NotInMemories
                    ? NotFoundJson()
                    : AnswerJsonValidator.Parse(answer, request.ResponseSchema);
            }

            var contextTokens = retrieval.Usage?.ContextTokens ?? retrieval.Explanation?.ContextTokens ?? 0;
            var inputTokens = TokenCounter.Count(request.Query);
            var prompt = (int)(usage?.InputTokenCount ?? 0);
            var completion = (int)(usage?.OutputTokenCount ?? 0);
            result.Usage = new QueryUsage
            {
                InputTokens = inputTokens,
                OutputTokens = usage?.OutputTokenCount != null ? completion : TokenCounter.Count(answer),
                ContextTokens = contextTokens,
                ActualInputTokens = prompt,
                ActualOutputTokens = completion,
            };
            result.SynthesisUsage = ProviderUsage(prompt, completion, (int)(usage?.TotalTokenCount ?? prompt + completion));
            Citations.MarkModelAnswer(result.Explanation, answer);
            if (!request.ReturnExplanation)
            {
                result.Explanation = null;
            }

            return result;
        }

        private static JsonElement NotFoundJson()
        {
            using var document = JsonDocument.Parse("{\"answer\":" + JsonSerializer.Serialize(GroundedPrompt.NotInMemories) + ",\"citations\":[]}");
            return document.RootElement.Clone();
        }

        private static JsonElement ProviderUsage(int prompt, int completion, int total)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteNumber("prompt_tokens", prompt);
                writer.WriteNumber("completion_tokens", completion);
                writer.WriteNumber("total_tokens", total);
                writer.WriteEndObject();
            }

            using var document = JsonDocument.Parse(stream.ToArray());
            return document.RootElement.Clone();
        }

        /// <summary>A failure from a chat client that did not already speak Engram (any IChatClient may be plugged in).</summary>
        private static bool IsForeign(Exception failure, CancellationToken token) =>
            !(failure is EngramException) && !(failure is OperationCanceledException && token.IsCancellationRequested);

        // The message is not copied: providers' errors can quote part of the key.
        private static EngramException Foreign(Exception failure) =>
            new EngramException($"The model provider failed ({failure.GetType().Name}). Retry, or check the provider settings.", 502, null, EngramErrorCodes.ProviderFailed);
    }

    internal static class NullChecks
    {
        public static bool AllNull(this IEnumerable<string?> values)
        {
            foreach (var value in values)
            {
                if (value != null)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
