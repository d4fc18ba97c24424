using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using Engram.Client.Errors;
using Engram.Client.Protocol;

namespace Engram.Client.Streaming
{
    /// <summary>
    /// The SSE reader of streamed queries: wire spec §8.2, exactly. Lines become events (data lines joined
    /// with \n, blank line dispatches), each payload is dispatched as [DONE], error frame, delta chunk or
    /// final frame. Everything else (comments, event/id/retry fields, malformed or non-object payloads)
    /// is skipped.
    /// </summary>
    internal static class SseReader
    {
        private const string DoneMarker = "[DONE]";

        /// <param name="body">The response body, positioned at its start.</param>
        /// <param name="markCompleted">Called when <c>data: [DONE]</c> arrives.</param>
        /// <param name="redactor">Keeps the API key out of error frames a server might echo.</param>
        /// <param name="cancellationToken">Cancels reading the body.</param>
        public static async IAsyncEnumerable<QueryStreamEvent> ReadEventsAsync(
            Stream body,
            Action markCompleted,
            SecretRedactor redactor,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var lines = new SseLineReader(body);
            var data = new List<string>();
            var sawFinalFrame = false;

            while (true)
            {
                var line = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                var endOfBody = line == null;
                if (endOfBody || line!.Length == 0)
                {
                    if (data.Count > 0)
                    {
                        var payload = string.Join("\n", data);
                        data.Clear();
                        if (payload == DoneMarker)
                        {
                            // Anything after the terminator is ignored.
                            markCompleted();
                            yield break;
                        }

                        var streamEvent = Dispatch(payload, redactor);
                        if (streamEvent != null)
                        {
                            sawFinalFrame |= streamEvent.Type == QueryStreamEventType.Done;
                            yield return streamEvent;
                        }
                    }

                    if (endOfBody)
                    {
                        // An empty body ends quietly (Completed=false); a body cut off before any final frame
                        // lost the answer's end, which the caller must hear about (§17 Q25).
                        if (lines.SawAnyByte && !sawFinalFrame)
                        {
                            throw EngramErrors.StreamEndedUnexpectedly();
                        }

                        yield break;
                    }

                    continue;
                }

                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    var value = line.Substring(5);
                    data.Add(value.StartsWith(" ", StringComparison.Ordinal) ? value.Substring(1) : value);
                }
            }
        }

        /// <summary>One payload: an event, null to skip, or an <see cref="EngramException"/> for an error frame.</summary>
        internal static QueryStreamEvent? Dispatch(string payload, SecretRedactor redactor)
        {
            using (var document = JsonText.TryParse(payload))
            {
                if (document == null || document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                var frame = document.RootElement;
                if (frame.TryGetProperty("error", out var error) && LenientJson.IsTruthy(error))
                {
                    throw EngramErrors.FromStreamErrorFrame(frame, error, redactor);
                }

                if (frame.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
                {
                    var first = choices[0];
                    if (LenientJson.TryGet(first, "delta", out var delta) &&
                        LenientJson.TryGet(delta, "content", out var content) &&
                        content.ValueKind == JsonValueKind.String &&
                        content.GetString()!.Length > 0)
                    {
                        return QueryStreamEvent.Delta(content.GetString()!);
                    }

                    // Role-only, empty and finish chunks carry no text.
                    return null;
                }

                return QueryStreamEvent.Done(ResponseReader.QueryResult(frame), frame.Clone());
            }
        }
    }
}
