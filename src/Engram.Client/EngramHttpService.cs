using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client.Errors;
using Engram.Client.Http;
using Engram.Client.Protocol;
using Engram.Client.Streaming;

namespace Engram.Client
{
    /// <summary>
    /// <see cref="IEngramService"/> over the Engram REST protocol (hosted service or any compatible server,
    /// such as the local engine's loopback server). One instance holds one long-lived HttpClient, so
    /// connections are reused; keep an instance for as long as you talk to the server. Thread-safe.
    /// </summary>
    public sealed class EngramHttpService : IEngramService
    {
        private readonly EngramTransport _transport;
        private readonly bool _ownsTransport;
        private readonly TimeSpan _timeout;
        private readonly TimeSpan _streamTimeout;
        private int _disposed;

        /// <summary>
        /// Resolves the options (explicit value, then ENGRAM_API_KEY / ENGRAM_BASE_URL, then
        /// https://api.lumetra.io).
        /// </summary>
        /// <exception cref="InvalidOperationException">No API key was given and ENGRAM_API_KEY is not set.</exception>
        /// <exception cref="ArgumentException">The base URL is not an absolute http(s) URL, or the key or User-Agent holds control characters.</exception>
        public EngramHttpService(EngramClientOptions? options = null)
            : this(ClientSettings.Resolve(options, Environment.GetEnvironmentVariable))
        {
        }

        internal EngramHttpService(ClientSettings settings)
        {
            _transport = new EngramTransport(settings);
            _ownsTransport = true;
            BaseUrl = settings.BaseUri;
            _timeout = settings.Timeout;
            _streamTimeout = settings.StreamTimeout;
            MaxRetriesOn429 = settings.MaxRetriesOn429;
        }

        private EngramHttpService(EngramHttpService shared, TimeSpan timeout, TimeSpan streamTimeout)
        {
            _transport = shared._transport;
            _ownsTransport = false;
            BaseUrl = shared.BaseUrl;
            MaxRetriesOn429 = shared.MaxRetriesOn429;
            _timeout = timeout;
            _streamTimeout = streamTimeout;
        }

        /// <summary>The resolved base URL (trailing slashes removed). Request URLs are this plus the /v1 path.</summary>
        public Uri BaseUrl { get; }

        /// <summary>Per-attempt timeout of buffered calls.</summary>
        public TimeSpan Timeout => _timeout;

        /// <summary>Total deadline of a streamed query.</summary>
        public TimeSpan StreamTimeout => _streamTimeout;

        /// <summary>How many times a request is retried after a 429 (0: never).</summary>
        public int MaxRetriesOn429 { get; }

        /// <summary>
        /// A view of this service with other timeouts (e.g. a longer one for a slow <see cref="QueryAsync"/>),
        /// sharing this instance's connections. Disposing the view does nothing; it stops working when this
        /// instance is disposed.
        /// </summary>
        public EngramHttpService WithTimeouts(TimeSpan? timeout = null, TimeSpan? streamTimeout = null)
        {
            ThrowIfDisposed();
            return new EngramHttpService(
                this,
                CheckTimeout(timeout ?? _timeout, nameof(timeout)),
                CheckTimeout(streamTimeout ?? _streamTimeout, nameof(streamTimeout)));
        }

        public async Task<StoreMemoryResult> StoreMemoryAsync(string bucket, string content, DedupPolicy? dedup = null, CancellationToken cancellationToken = default)
        {
            if (content == null)
            {
                throw new ArgumentNullException(nameof(content));
            }

            bucket = BucketOrDefault(bucket);
            var request = new EngramRequest(HttpMethod.Post, EngramPaths.Memories(bucket), RequestWriter.StoreOne(content, dedup));
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return Decode(response, request, root => ResponseReader.StoreResult(root, bucket));
        }

        public async Task<IReadOnlyList<StoreMemoryResult>> StoreMemoriesAsync(string bucket, IReadOnlyList<string> contents, DedupPolicy? dedup = null, CancellationToken cancellationToken = default)
        {
            RequireItems(contents, nameof(contents));
            return await StoreBatchesAsync(bucket, contents.Count, (start, length) => RequestWriter.StoreMany(contents, start, length, dedup), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Always the batch form, also for one item: that is where the extension fields go.</summary>
        public async Task<IReadOnlyList<StoreMemoryResult>> RestoreMemoriesAsync(string bucket, IReadOnlyList<MemoryRestoreItem> memories, DedupPolicy? dedup = null, CancellationToken cancellationToken = default)
        {
            RequireItems(memories, nameof(memories));
            return await StoreBatchesAsync(bucket, memories.Count, (start, length) => RequestWriter.Restore(memories, start, length, dedup), cancellationToken).ConfigureAwait(false);
        }

        private static void RequireItems<T>(IReadOnlyList<T> items, string parameter)
            where T : class
        {
            if (items == null)
            {
                throw new ArgumentNullException(parameter);
            }

            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] == null)
                {
                    throw new ArgumentException("Memory content at index " + i + " is null; every item needs text.", parameter);
                }
            }
        }

        /// <summary>POSTs <paramref name="count"/> items in requests of at most 100 (<see cref="ChunkedStore"/>); none makes no request.</summary>
        private async Task<IReadOnlyList<StoreMemoryResult>> StoreBatchesAsync(string bucket, int count, Func<int, int, byte[]> body, CancellationToken cancellationToken)
        {
            bucket = BucketOrDefault(bucket);
            if (count == 0)
            {
                return Array.Empty<StoreMemoryResult>();
            }

            return await ChunkedStore.StoreAsync(count, async (start, length) =>
            {
                var request = new EngramRequest(HttpMethod.Post, EngramPaths.Memories(bucket), body(start, length));
                var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
                return Decode(response, request, root => ResponseReader.StoreResults(root, bucket));
            }).ConfigureAwait(false);
        }

        public async Task<ListMemoriesResult> ListMemoriesAsync(string bucket, int limit = EngramLimits.DefaultListLimit, int offset = 0, CancellationToken cancellationToken = default)
        {
            bucket = BucketOrDefault(bucket);
            var request = new EngramRequest(HttpMethod.Get, EngramPaths.MemoryPage(bucket, limit, offset));
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return Decode(response, request, root => ResponseReader.MemoryPage(root, limit, offset));
        }

        public async Task<ListMemoriesResult> ListMemoriesFromCursorAsync(string bucket, int limit, string cursor, CancellationToken cancellationToken = default)
        {
            bucket = BucketOrDefault(bucket);
            var request = new EngramRequest(HttpMethod.Get, EngramPaths.MemoryCursorPage(bucket, limit, cursor ?? MemoryCursors.NewestFirst));
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return Decode(response, request, root => ResponseReader.MemoryPage(root, limit, 0));
        }

        public async Task DeleteMemoryAsync(string bucket, string memoryId, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrEmpty(memoryId))
            {
                // An empty id would address the whole bucket's memories.
                throw new ArgumentException("A memory id is required.", nameof(memoryId));
            }

            bucket = BucketOrDefault(bucket);
            var request = new EngramRequest(HttpMethod.Delete, EngramPaths.Memory(bucket, memoryId));

            // Any 2xx is success; 204, an empty body, {"success":true} and {"ok":true} all occur (§5.4).
            await SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        public async Task<ClearMemoriesResult> ClearMemoriesAsync(string bucket, CancellationToken cancellationToken = default)
        {
            RequireBucketName(bucket, nameof(bucket), "clear");
            var request = new EngramRequest(HttpMethod.Delete, EngramPaths.Memories(bucket));
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsEmpty)
            {
                return ResponseReader.ClearResult(null);
            }

            return Decode(response, request, root => ResponseReader.ClearResult(root));
        }

        public async Task<QueryResult> QueryAsync(QueryRequest request, CancellationToken cancellationToken = default)
        {
            var http = new EngramRequest(HttpMethod.Post, EngramPaths.Query, RequestWriter.Query(CheckQuery(request), stream: false));
            var response = await SendAsync(http, cancellationToken).ConfigureAwait(false);
            return Decode(response, http, ResponseReader.QueryResult);
        }

        /// <summary>
        /// Returns at once; the request is sent when enumeration starts. The stream's total deadline is
        /// <see cref="StreamTimeout"/>; both <paramref name="cancellationToken"/> and the token given to the
        /// enumerator cancel it. A stream that breaks off before its final frame raises a status-0 error.
        /// </summary>
        public QueryStream QueryStreamAsync(QueryRequest request, CancellationToken cancellationToken = default)
        {
            var http = new EngramRequest(HttpMethod.Post, EngramPaths.Query, RequestWriter.Query(CheckQuery(request), stream: true));
            var streamTimeout = _streamTimeout;
            return new QueryStream((stream, enumeratorToken) => StreamEventsAsync(stream, http, streamTimeout, cancellationToken, enumeratorToken));
        }

        public async Task<IReadOnlyList<Bucket>> ListBucketsAsync(CancellationToken cancellationToken = default)
        {
            var request = new EngramRequest(HttpMethod.Get, EngramPaths.Buckets);
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return Decode(response, request, ResponseReader.Buckets);
        }

        public async Task<Bucket> CreateBucketAsync(string name, string? description = null, CancellationToken cancellationToken = default)
        {
            RequireBucketName(name, nameof(name), "create");
            var request = new EngramRequest(HttpMethod.Post, EngramPaths.Buckets, RequestWriter.CreateBucket(name, description));
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return Decode(response, request, ResponseReader.Bucket);
        }

        public async Task DeleteBucketAsync(string name, CancellationToken cancellationToken = default)
        {
            RequireBucketName(name, nameof(name), "delete");
            var request = new EngramRequest(HttpMethod.Delete, EngramPaths.Bucket(name));
            await SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        public async Task<ProfileResult> GetProfileAsync(string bucket, CancellationToken cancellationToken = default)
        {
            var request = new EngramRequest(HttpMethod.Get, EngramPaths.Profile(BucketOrDefault(bucket)));
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return Decode(response, request, ResponseReader.Profile);
        }

        public async Task<ProfileResult> RegenerateProfileAsync(string bucket, CancellationToken cancellationToken = default)
        {
            var request = new EngramRequest(HttpMethod.Post, EngramPaths.RegenerateProfile(BucketOrDefault(bucket)));
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return Decode(response, request, ResponseReader.Profile);
        }

        /// <summary>Disposes the connection pool (a handler passed in the options is left alone).</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsTransport)
            {
                _transport.Dispose();
            }
        }

        /// <summary>Shows where the service points; never the key.</summary>
        public override string ToString() =>
            "EngramHttpService(" + BaseUrl.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/') + ")";

        private static TimeSpan CheckTimeout(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero && value != System.Threading.Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(name, value, "Timeouts must be positive (or Timeout.InfiniteTimeSpan).");
            }

            return value;
        }

        private static string BucketOrDefault(string? bucket) => string.IsNullOrEmpty(bucket) ? EngramLimits.DefaultBucket : bucket!;

        /// <summary>Destructive or naming calls never fall back to <c>default</c> (§5.5, §5.10).</summary>
        private static void RequireBucketName(string? name, string parameter, string verb)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("A bucket name is required to " + verb + " a bucket; it is never assumed to be 'default'.", parameter);
            }
        }

        private static QueryRequest CheckQuery(QueryRequest request)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            if (string.IsNullOrWhiteSpace(request.Query))
            {
                throw new ArgumentException("The query text is empty; pass the question to ask.", nameof(request));
            }

            return request;
        }

        private Task<BufferedResponse> SendAsync(EngramRequest request, CancellationToken cancellationToken)
        {
            ThrowIfDisposed();
            return _transport.SendAsync(request, _timeout, cancellationToken);
        }

        private T Decode<T>(BufferedResponse response, EngramRequest request, Func<JsonElement, T> read)
        {
            using (var document = response.IsEmpty ? null : JsonText.TryParse(response.Body))
            {
                if (document == null)
                {
                    throw EngramErrors.InvalidResponse(response.Status, request.ToString(), _transport.Redactor, response.Text);
                }

                return read(document.RootElement);
            }
        }

        private async IAsyncEnumerable<QueryStreamEvent> StreamEventsAsync(
            QueryStream stream,
            EngramRequest request,
            TimeSpan streamTimeout,
            CancellationToken callToken,
            [EnumeratorCancellation] CancellationToken enumeratorToken)
        {
            ThrowIfDisposed();
            using (var deadline = new RequestDeadline(callToken, enumeratorToken, streamTimeout))
            {
                HttpResponseMessage? response = null;
                try
                {
                    response = await _transport.OpenStreamAsync(request, deadline).ConfigureAwait(false);

                    // Runtimes whose response streams ignore the token (.NET Framework) are unblocked by disposal.
                    var openResponse = response;
                    using var abortRegistration = deadline.Token.Register(() => openResponse.Dispose());
                    Stream body;
                    try
                    {
                        body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                    }
                    catch (Exception failure)
                    {
                        throw deadline.Translate(failure, _transport.Redactor);
                    }

                    var events = SseReader.ReadEventsAsync(body, stream.MarkCompleted, _transport.Redactor, deadline.Token).GetAsyncEnumerator(deadline.Token);
                    try
                    {
                        while (true)
                        {
                            bool more;
                            try
                            {
                                more = await events.MoveNextAsync().ConfigureAwait(false);
                            }
                            catch (Exception failure)
                            {
                                throw deadline.Translate(failure, _transport.Redactor);
                            }

                            if (!more)
                            {
                                break;
                            }

                            yield return events.Current;
                        }
                    }
                    finally
                    {
                        await events.DisposeAsync().ConfigureAwait(false);
                    }
                }
                finally
                {
                    // Reached on normal end, on error and when the consumer stops early: the connection is
                    // closed rather than left streaming to nobody.
                    deadline.Abort();
                    response?.Dispose();
                }
            }
        }

        private void ThrowIfDisposed()
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                throw new ObjectDisposedException(nameof(EngramHttpService));
            }
        }
    }
}
