using Engram.Client;
using Engram.Server.Wire;

namespace Engram.Server.Endpoints
{
    /// <summary>The injected "tenant has no model provider key" refusal of store and query (wire spec §2, §3.7).</summary>
    internal static class ByokFault
    {
        public const string Message = "No model provider key configured";

        public static void ThrowIfInjected(ServerFaults faults)
        {
            if (faults.ByokMissing)
            {
                throw new EngramException(Message, 412, null, ErrorCodes.ByokNotConfigured);
            }
        }
    }
}
