using System;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local.Retrieval;
using Engram.Local.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Engram.Local.Dedup
{
    /// <summary>
    /// With a model configured (BYOK), a single store whose text is a near-duplicate of a stored memory —
    /// at least the embedder's <c>NearDuplicate</c> cosine ("versions of one fact") yet not merged by the
    /// rules — is shown to the model with that memory. It answers KEEP_EXISTING (the new text adds nothing:
    /// the write merges with <c>merge_reason: conflict_keep_existing</c>, wire spec §6.2) or KEEP_BOTH (it
    /// adds or changes something: stored as usual). When the model fails, both are kept: a provider outage
    /// never loses a write. Batches are not judged: they are one write transaction, and a model call per
    /// item inside it would hold the write lock for seconds.
    /// </summary>
    internal sealed class ConflictResolver
    {
        public const string KeepExisting = "KEEP_EXISTING";
        public const string KeepBoth = "KEEP_BOTH";

        // One word is the whole answer; a little room for a provider that adds punctuation.
        private const int MaxAnswerTokens = 8;

        private readonly IChatClient _chat;
        private readonly float _nearDuplicate;

        public ConflictResolver(IChatClient chat, float nearDuplicate)
        {
            _chat = chat;
            _nearDuplicate = nearDuplicate;
        }

        /// <summary>Notes each judgement for tests and traces: (existing id, verdict or the failure's type name).</summary>
        internal Action<string, string>? Judged { get; set; }

        /// <summary>The decision after the model's judgement, or null when there is nothing to judge.</summary>
        public DedupDecision? Resolve(SqliteConnection connection, BucketVectors vectors, string content, float[] vector, DedupDecision decision, CancellationToken cancellationToken)
        {
            if (decision.IsMerge)
            {
                return null;
            }

            var nearest = vectors.Nearest(vector, 1);
            if (nearest.Count == 0 || nearest[0].Cosine < _nearDuplicate)
            {
                return null;
            }

            var (seq, cosine) = nearest[0];
            if (!MemoryRepository.ReadBySeq(connection, new[] { seq }).TryGetValue(seq, out var existing))
            {
                return null;
            }

            string verdict;
            try
            {
                // StoreOne is synchronous (SQLite); the call runs on the pool so no caller's context can deadlock it.
                verdict = Task.Run(() => AskAsync(existing, content, cancellationToken), cancellationToken).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception failure)
            {
                Judged?.Invoke(existing.Id, failure.GetType().Name);
                return null;
            }

            Judged?.Invoke(existing.Id, verdict);
            return verdict == KeepExisting
                ? DedupDecision.Merge(existing.Id, seq, MergeReasons.ConflictKeepExisting, DedupRule.ReportedSimilarity(cosine))
                : null;
        }

        private async Task<string> AskAsync(MemoryRow existing, string incoming, CancellationToken cancellationToken)
        {
            var messages = new[]
            {
                new ChatMessage(ChatRole.System,
                    "You compare two memories from one person's memory store and decide whether the new one is worth keeping. " +
                    $"Reply with exactly one word: {KeepExisting} when the new memory says nothing the existing one does not already say " +
                    $"(a rewording or a part of it); {KeepBoth} when it adds, updates or contradicts anything (another value, date, number, name or detail)."),
                new ChatMessage(ChatRole.User, $"Existing memory (stored {existing.CreatedAt}): {existing.Content}\nNew memory: {incoming}"),
            };
            var response = await _chat.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = MaxAnswerTokens, Temperature = 0 }, cancellationToken).ConfigureAwait(false);
            var text = (response.Text ?? "").ToUpperInvariant();
            // Anything but a clear KEEP_EXISTING keeps both: when in doubt, store.
            return text.Contains(KeepExisting) && !text.Contains(KeepBoth) ? KeepExisting : KeepBoth;
        }
    }
}
