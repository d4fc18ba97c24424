using System.Threading.Tasks;

namespace Engram.Server.Endpoints
{
    /// <summary>Get and regenerate a bucket profile (wire spec §5.11, §5.12), and the local install route (Q29).</summary>
    internal static class ProfileEndpoints
    {
        public static async Task GetAsync(EndpointContext context)
        {
            var profile = await context.Service.GetProfileAsync(context.Bucket, context.CancellationToken).ConfigureAwait(false);
            await context.RespondAsync(200, context.Settings.Shapes.Profile(profile)).ConfigureAwait(false);
        }

        /// <summary>No body is read: Python and JS send Content-Type with an empty body, Go sends neither.</summary>
        public static async Task RegenerateAsync(EndpointContext context)
        {
            var profile = await context.Service.RegenerateProfileAsync(context.Bucket, context.CancellationToken).ConfigureAwait(false);
            await context.RespondAsync(200, context.Settings.Shapes.Profile(profile)).ConfigureAwait(false);
        }

        /// <summary>Installs the Bucket Profiler, then answers the profile as it now stands (usually <c>pending</c>).</summary>
        public static async Task InstallAsync(EndpointContext context)
        {
            await context.Settings.InstallProfiler!(context.Tenant, context.Bucket, context.CancellationToken).ConfigureAwait(false);
            await GetAsync(context).ConfigureAwait(false);
        }
    }
}
