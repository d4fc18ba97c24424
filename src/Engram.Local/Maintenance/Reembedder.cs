using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Engram.Local.Embedding;
using Engram.Local.Storage;

namespace Engram.Local.Maintenance
{
    /// <summary>
    /// Rebuilds every vector of a database with another embedder: batches of memories embedded with one
    /// generator call each and saved beside the live vectors (<see cref="ReembedStore"/>), then one switch-over
    /// transaction. Resumable: run again with the same embedder and it continues where it stopped.
    /// </summary>
    internal static class Reembedder
    {
        /// <summary>After this many catch-up rounds for memories stored meanwhile, the rest are embedded inside the switch-over transaction.</summary>
        private const int CatchUpRounds = 3;

        public static async Task<ReembedResult> RunAsync(SqliteDatabase database, EngineEmbedder embedder, ReembedOptions options, CancellationToken cancellationToken)
        {
            var target = embedder.Identity;
            using var connection = database.OpenConnection();
            var before = EmbedderRecord.Read(connection);
            if (before.Identity == target.Key && before.Dimensions == target.Dimensions && before.ReembedTarget == null)
            {
                return new ReembedResult(before.Identity, target.Key, 0, 0);
            }

            var resumedWith = ReembedStore.Begin(connection, target.Key, target.Dimensions);
            var total = ReembedStore.CountMemories(connection);
            var done = resumedWith;
            options.Progress?.Invoke(new ReembedProgress(done, total));
            var embedded = 0;

            for (var round = 0; round <= CatchUpRounds; round++)
            {
                var found = 0;
                long after = 0;
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var batch = ReembedStore.Pending(connection, null, after, options.BatchSize);
                    if (batch.Count == 0)
                    {
                        break;
                    }

                    ReembedStore.Save(connection, null, await EmbedAsync(embedder, batch, cancellationToken).ConfigureAwait(false));
                    after = batch[batch.Count - 1].Seq;
                    found += batch.Count;
                    embedded += batch.Count;
                    done = Math.Min(total, done + batch.Count);
                    options.Progress?.Invoke(new ReembedProgress(done, Math.Max(total, done)));
                }

                if (found == 0)
                {
                    break;
                }

                total = ReembedStore.CountMemories(connection);
            }

            cancellationToken.ThrowIfCancellationRequested();
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                // Memories stored by other processes since the last round: embedded under the write lock, so none is missed.
                for (var leftover = ReembedStore.Pending(connection, transaction, 0, options.BatchSize); leftover.Count > 0; leftover = ReembedStore.Pending(connection, transaction, 0, options.BatchSize))
                {
                    ReembedStore.Save(connection, transaction, await EmbedAsync(embedder, leftover, cancellationToken).ConfigureAwait(false));
                    embedded += leftover.Count;
                }

                ReembedStore.SwitchOver(connection, transaction, target.Key, target.Dimensions);
                transaction.Commit();
            }

            var count = ReembedStore.CountMemories(connection);
            options.Progress?.Invoke(new ReembedProgress(count, count));
            return new ReembedResult(before.Identity, target.Key, embedded, resumedWith);
        }

        private static async Task<List<(long Seq, byte[] Embedding)>> EmbedAsync(EngineEmbedder embedder, List<(long Seq, string Content)> batch, CancellationToken cancellationToken)
        {
            var texts = new List<string>(batch.Count);
            foreach (var row in batch)
            {
                texts.Add(row.Content);
            }

            var vectors = await embedder.EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
            var saved = new List<(long, byte[])>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                saved.Add((batch[i].Seq, VectorMath.ToBytes(vectors[i])));
            }

            return saved;
        }
    }
}
