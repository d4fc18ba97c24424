using System.Net;
using System.Net.Sockets;

namespace Engram.Server.Transport.HttpListenerAdapter
{
    /// <summary>HttpListener cannot bind port 0, so a free loopback port is found by binding a socket briefly.</summary>
    internal static class LoopbackPortFinder
    {
        public static int FindFreePort()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            try
            {
                return ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            finally
            {
                probe.Stop();
            }
        }
    }
}
