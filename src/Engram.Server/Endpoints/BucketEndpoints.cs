using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local.Validation;
using Engram.Server.Wire;

namespace Engram.Server.Endpoints
{
    /// <summary>List, create, get (optional, Q37) and delete buckets (wire spec §5.8–§5.10).</summary>
    internal static class BucketEndpoints
    {
        /// <summary>Without <c>limit</c> every bucket is returned (official clients expect that); with it, one page (Q6).</summary>
        public static async Task ListAsync(EndpointContext context)
        {
            var limit = JsonRequestFields.QueryInt(context.Route.Query, "limit");
            var offset = Math.Max(0, JsonRequestFields.QueryInt(context.Route.Query, "offset") ?? 0);
            var all = await context.Service.ListBucketsAsync(context.CancellationToken).ConfigureAwait(false);
            IReadOnlyList<Bucket> page = all.Skip(offset).Take(limit.HasValue ? Math.Max(1, limit.Value) : int.MaxValue).ToList();
            await context.RespondAsync(200, context.Settings.Shapes.BucketList(page, all.Count)).ConfigureAwait(false);
        }

        public static async Task CreateAsync(EndpointContext context)
        {
            var (name, description) = CreateBucketRequestReader.Read(await context.ReadBodyAsync().ConfigureAwait(false));
            var bucket = await context.Service.CreateBucketAsync(name, description, context.CancellationToken).ConfigureAwait(false);
            await context.RespondAsync(201, ResponseShapes.SingleBucket(bucket)).ConfigureAwait(false);
        }

        public static async Task GetAsync(EndpointContext context)
        {
            var all = await context.Service.ListBucketsAsync(context.CancellationToken).ConfigureAwait(false);
            var bucket = all.FirstOrDefault(b => string.Equals(b.Name, context.Bucket, StringComparison.Ordinal));
            if (bucket == null)
            {
                throw EngineErrors.NoSuchBucket();
            }

            await context.RespondAsync(200, ResponseShapes.SingleBucket(bucket)).ConfigureAwait(false);
        }

        public static async Task DeleteAsync(EndpointContext context)
        {
            await context.Service.DeleteBucketAsync(context.Bucket, context.CancellationToken).ConfigureAwait(false);
            await context.RespondAsync(200, ResponseShapes.Success()).ConfigureAwait(false);
        }
    }
}
