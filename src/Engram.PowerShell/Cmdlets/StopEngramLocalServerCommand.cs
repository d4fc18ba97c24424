using System.Linq;
using System.Management.Automation;
using System.Threading;
using Engram.PowerShell.Errors;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>Stop-EngramLocalServer: stops local servers started in this session: the ones piped in, those on -Port, or all.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "EngramLocalServer", DefaultParameterSetName = AllSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    public sealed class StopEngramLocalServerCommand : EngramCmdlet
    {
        private const string AllSet = "All";
        private const string ObjectSet = "InputObject";
        private const string PortSet = "Port";

        [Parameter(ParameterSetName = ObjectSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public EngramLocalServer[]? InputObject { get; set; }

        [Parameter(ParameterSetName = PortSet, Mandatory = true)]
        [ValidateRange(1, 65535)]
        public int[]? Port { get; set; }

        protected override void ProcessRecord()
        {
            var session = EngramSession.Current;
            switch (ParameterSetName)
            {
                case ObjectSet:
                    foreach (var server in InputObject!)
                    {
                        Stop(session, server);
                    }

                    break;
                case PortSet:
                    foreach (var port in Port!)
                    {
                        var server = session.Servers.FirstOrDefault(s => s.Port == port);
                        if (server == null)
                        {
                            WriteError(EngramErrorRecords.Create(
                                new ItemNotFoundException("No local Engram server started in this session listens on port " + port + "."),
                                EngramErrorIds.LocalServerNotFound,
                                ErrorCategory.ObjectNotFound,
                                port,
                                "Stop-EngramLocalServer stops servers started in this session; Start-EngramLocalServer's output lists their ports."));
                            continue;
                        }

                        Stop(session, server);
                    }

                    break;
                default:
                    foreach (var server in session.Servers)
                    {
                        Stop(session, server);
                    }

                    break;
            }
        }

        private void Stop(EngramSession session, EngramLocalServer server)
        {
            if (!ShouldProcess("local Engram server at " + server.BaseUrl, "Stop"))
            {
                return;
            }

            if (TryRun(ct => server.StopAsync(ct), server))
            {
                session.RemoveServer(server);
                WriteVerbose("Stopped the local Engram server at " + server.BaseUrl + ".");
            }
        }
    }
}
