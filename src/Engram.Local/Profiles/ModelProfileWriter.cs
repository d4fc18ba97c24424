using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Engram.Local.Storage;
using Microsoft.Extensions.AI;

namespace Engram.Local.Profiles
{
    /// <summary>
    /// Has the user's model (BYOK) write a bucket's profile: a few sentences of prose from the newest
    /// memories, stating only what they say, newest winning where they disagree.
    /// </summary>
    internal sealed class ModelProfileWriter
    {
        /// <summary>Memories shown to the model, newest first, and the characters they may take (≈ 3 000 tokens).</summary>
        public const int MaxMemories = 200;
        public const int MaxPromptCharacters = 12000;
        private const int MaxProfileTokens = 600;

        private readonly IChatClient _chat;

        public ModelProfileWriter(IChatClient chat) => _chat = chat;

        public async Task<string?> WriteAsync(string bucketName, int memoryCount, IReadOnlyList<MemoryRow> recent, CancellationToken cancellationToken)
        {
            var memories = new StringBuilder();
            foreach (var row in recent.Take(MaxMemories))
            {
                var line = $"- ({row.CreatedAt}) {row.Content.Replace('\n', ' ').Replace('\r', ' ')}\n";
                if (memories.Length + line.Length > MaxPromptCharacters)
                {
                    break;
                }

                memories.Append(line);
            }

            var messages = new[]
            {
                new ChatMessage(ChatRole.System,
                    "You write the profile of a memory bucket: a short portrait, in plain prose (3 to 8 sentences, no lists, no headings, no JSON), " +
                    "of who or what the memories are about — preferences, facts, people, plans. State only what the memories say. " +
                    "Where they disagree, the newest one wins. Do not address the reader and do not mention that you are summarising."),
                new ChatMessage(ChatRole.User,
                    $"Bucket \"{bucketName}\" holds {memoryCount.ToString(CultureInfo.InvariantCulture)} memories; the newest are:\n{memories}"),
            };
            var response = await _chat.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = MaxProfileTokens, Temperature = 0 }, cancellationToken).ConfigureAwait(false);
            var text = response.Text?.Trim();
            return string.IsNullOrEmpty(text) ? null : text;
        }
    }
}
