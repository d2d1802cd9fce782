using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;

namespace Backupd.TestBed;

/// <summary>
/// An S3 client that sends upload bodies whole rather than as SigV4 streaming (<c>aws-chunked</c>)
/// chunks: s3rver 3.7.1 would store the chunk framing as part of the object.
/// </summary>
internal sealed class S3rverClient(AWSCredentials credentials, AmazonS3Config config) : AmazonS3Client(credentials, config)
{
    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        // Last word before the signer, which is what chooses between chunked and whole bodies.
        pipeline.AddHandlerBefore<Signer>(new WholeUploadBodies());
    }

    private sealed class WholeUploadBodies : PipelineHandler
    {
        public override void InvokeSync(IExecutionContext executionContext)
        {
            executionContext.RequestContext.Request.UseChunkEncoding = false;
            base.InvokeSync(executionContext);
        }

        public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            executionContext.RequestContext.Request.UseChunkEncoding = false;
            return base.InvokeAsync<T>(executionContext);
        }
    }
}
