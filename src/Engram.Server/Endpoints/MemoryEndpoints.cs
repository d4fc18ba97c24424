using System.Threading.Tasks;
using Engram.Client;
using Engram.Server.Wire;

namespace Engram.Server.Endpoints
{
    /// <summary>Store (one or batch), list, delete one, clear (wire spec §5.1–§5.5).</summary>
    internal static class MemoryEndpoints
    {
        public static async Task StoreAsync(EndpointContext context)
        {
            context.Settings.Faults.ThrowIfByokMissing();
            var request = StoreRequestReader.Read(await context.ReadBodyAsync().ConfigureAwait(false));
            if (!request.IsBatch)
            {
                var stored = await context.Service.StoreMemoryAsync(context.Bucket, request.Contents[0], request.Dedup, context.CancellationToken).ConfigureAwait(false);
                await context.RespondAsync(200, context.Settings.Shapes.StoreResult(stored)).ConfigureAwait(false);
                return;
            }

            if (request.Restore != null)
            {
                // The restore extension (README): items keep their id and created_at.
                var restored = await context.Service.RestoreMemoriesAsync(context.Bucket, request.Restore, request.Dedup, context.CancellationToken).ConfigureAwait(false);
                await context.RespondAsync(200, context.Settings.Shapes.StoreResults(restored)).ConfigureAwait(false);
                return;
            }

            var results = await context.Service.StoreMemoriesAsync(context.Bucket, request.Contents, request.Dedup, context.CancellationToken).ConfigureAwait(false);
            await context.RespondAsync(200, context.Settings.Shapes.StoreResults(results)).ConfigureAwait(false);
        }

        public static async Task ListAsync(EndpointContext context)
        {
            var limit = JsonRequestFields.QueryInt(context.Route.Query, "limit") ?? EngramLimits.DefaultListLimit;
            if (context.Route.Query.TryGetValue("cursor", out var cursor))
            {
                // The cursor extension (README): keyset pages with next_cursor; without it, §16 as is.
                var cursorPage = await context.Service.ListMemoriesFromCursorAsync(context.Bucket, limit, cursor, context.CancellationToken).ConfigureAwait(false);
                await context.RespondAsync(200, ResponseShapes.MemoryPage(cursorPage, withCursor: true)).ConfigureAwait(false);
                return;
            }

            var offset = JsonRequestFields.QueryInt(context.Route.Query, "offset") ?? 0;
            var page = await context.Service.ListMemoriesAsync(context.Bucket, limit, offset, context.CancellationToken).ConfigureAwait(false);
            await context.RespondAsync(200, ResponseShapes.MemoryPage(page)).ConfigureAwait(false);
        }

        public static async Task DeleteAsync(EndpointContext context)
        {
            await context.Service.DeleteMemoryAsync(context.Bucket, context.Route.MemoryId!, context.CancellationToken).ConfigureAwait(false);
            await context.RespondAsync(200, ResponseShapes.Success()).ConfigureAwait(false);
        }

        public static async Task ClearAsync(EndpointContext context)
        {
            var cleared = await context.Service.ClearMemoriesAsync(context.Bucket, context.CancellationToken).ConfigureAwait(false);
            await context.RespondAsync(200, ResponseShapes.Cleared(cleared)).ConfigureAwait(false);
        }
    }
}
