using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local.Storage;
using Engram.Local.Validation;

namespace Engram.Local.Profiles
{
    /// <summary>
    /// <c>POST …/profile/regenerate</c> (wire spec §5.12) for every client: a bucket without a profiler gets one
    /// on demand (the official clients have no way to call the local install route), and the snapshot is
    /// prose from the user's model when one is configured, else extractive. A model failure surfaces as its
    /// provider error and leaves the previous snapshot as it was. Only a bucket that does not exist still
    /// answers 412 BUCKET_PROFILER_NOT_INSTALLED: there is nothing to profile.
    /// </summary>
    internal sealed class ProfileRegenerator
    {
        private readonly LocalEngine _engine;
        private readonly ModelProfileWriter? _writer;

        public ProfileRegenerator(LocalEngine engine)
        {
            _engine = engine;
            _writer = engine.Options.ChatClient == null ? null : new ModelProfileWriter(engine.Options.ChatClient);
        }

        public async Task<ProfileResult> RegenerateAsync(string tenant, string? bucket, CancellationToken cancellationToken)
        {
            var name = RequestRules.BucketOrDefault(bucket);
            BucketRow row;
            int count;
            System.Collections.Generic.List<MemoryRow> recent;
            using (var connection = _engine.Database.OpenConnection())
            {
                row = (RequestRules.IsValidBucketName(name) ? BucketRepository.Find(connection, tenant, name) : null)
                    ?? throw EngineErrors.NoProfiler();
                ProfileService.Install(connection, row);
                if (_writer == null)
                {
                    return ProfileService.Tick(connection, row);
                }

                count = MemoryRepository.Count(connection, row.Id);
                recent = MemoryRepository.ReadRecent(connection, row.Id, ModelProfileWriter.MaxMemories);
            }

            // No connection is held while the provider thinks.
            var text = count == 0 ? null : await _writer.WriteAsync(row.Name, count, recent, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            using (var connection = _engine.Database.OpenConnection())
            {
                return text == null
                    ? ProfileService.Tick(connection, row)
                    : ProfileService.Save(connection, row, text, count, ProfileService.ModelSource);
            }
        }
    }
}
