using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Crowdfund.Infrastructure.Messaging.Mail;

/// <summary>
/// Writes each message as a .eml file, which any mail program opens, for development and demos without an SMTP
/// server. The file is named by the message's date and Message-ID, so a message sent again overwrites its own file.
/// </summary>
internal sealed class FolderMailSender(string folder) : IMailSender
{
    public string Destination => $"folder {folder}";

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var name = $"{message.Date.UtcDateTime:yyyyMMdd'T'HHmmss}-{FileSafe(message.MessageId ?? "")}.eml";
        // Written aside, then moved into place: a reader never sees half a message.
        var partial = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.partial");
        try
        {
            Directory.CreateDirectory(folder);
            await message.WriteToAsync(partial, cancellationToken);
            File.Move(partial, Path.Combine(folder, name), overwrite: true);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            TryDelete(partial);
            throw new OutboxDeliveryException($"folder: {failure.GetType().Name}", permanent: false, failure);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            // The folder itself is what failed; nothing was left in it.
        }
    }

    private static string FileSafe(string messageId)
    {
        var local = messageId.Split('@')[0];
        return local.All(char.IsAsciiLetterOrDigit) && local.Length is > 0 and <= 64
            ? local
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)))[..32];
    }
}
