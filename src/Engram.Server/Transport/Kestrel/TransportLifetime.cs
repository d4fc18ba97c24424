using System.Threading;

namespace Engram.Server.Transport.Kestrel
{
    /// <summary>
    /// The application lifetime Kestrel's socket transport asks for. Nothing here stops the application:
    /// <see cref="KestrelTransport"/> owns start and stop.
    /// </summary>
#pragma warning disable CS0618 // IApplicationLifetime is what the 2.3 socket transport takes.
    internal sealed class TransportLifetime : Microsoft.AspNetCore.Hosting.IApplicationLifetime
#pragma warning restore CS0618
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
