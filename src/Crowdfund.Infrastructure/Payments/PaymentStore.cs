using Crowdfund.Grains.Payments;
using Crowdfund.Grains.Pledges;
using Crowdfund.Infrastructure.Pledges;
using Crowdfund.Messages.Payments;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>Customers per backer, card setups and provider events, on PostgreSQL.</summary>
public sealed class PaymentStore(NpgsqlDataSource dataSource) : IPaymentStore
{
    private const string SetupColumns = """
        pledge_id AS PledgeId, attempt AS Attempt, status AS Status, setup_intent_id AS SetupIntentId,
        client_secret AS ClientSecret, customer_id AS CustomerId, payment_method_id AS PaymentMethodId,
        failure_code AS FailureCode, decline_code AS DeclineCode, failure_message AS FailureMessage,
        last_event_at AS LastEventAt, requested_at AS RequestedAt, expected_ready_at AS ExpectedReadyAt,
        updated_at AS UpdatedAt
        """;

    public async Task<string?> FindCustomerAsync(string email)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string?>(
            "SELECT customer_id FROM payment_customers WHERE email = @email", new { email = email.ToLowerInvariant() });
    }

    public async Task<string> SaveCustomerAsync(string email, string customerId, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>("""
            WITH added AS (
                INSERT INTO payment_customers (email, customer_id, created_at) VALUES (@email, @customerId, @now)
                ON CONFLICT (email) DO NOTHING
                RETURNING customer_id)
            SELECT customer_id FROM added
            UNION ALL
            SELECT customer_id FROM payment_customers WHERE email = @email
            LIMIT 1
            """, new { email = email.ToLowerInvariant(), customerId, now }) ?? customerId;
    }

    public async Task ForgetCustomerAsync(string email, string customerId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("DELETE FROM payment_customers WHERE email = @email AND customer_id = @customerId",
            new { email = email.ToLowerInvariant(), customerId });
    }

    public async Task<string?> BackerEmailAsync(Guid pledgeId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string?>("SELECT backer_email FROM pledges WHERE id = @pledgeId", new { pledgeId });
    }

    public async Task<PaymentSetup?> GetSetupAsync(Guid pledgeId, int attempt)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<SetupRow>(
            $"SELECT {SetupColumns} FROM payment_setups WHERE pledge_id = @pledgeId AND attempt = @attempt", new { pledgeId, attempt });
        return row?.ToSetup();
    }

    public Task<PledgeWrite> SaveSetupAsync(PaymentSetup setup, PledgeUpdate? pledge) =>
        PledgeStore.WithUpdateAsync(dataSource, pledge, (connection, transaction) => connection.ExecuteAsync("""
            INSERT INTO payment_setups (pledge_id, attempt, status, setup_intent_id, client_secret, customer_id,
                payment_method_id, failure_code, decline_code, failure_message, last_event_at, requested_at,
                expected_ready_at, updated_at)
            VALUES (@PledgeId, @Attempt, @Status, @SetupIntentId, @ClientSecret, @CustomerId, @PaymentMethodId,
                @FailureCode, @DeclineCode, @FailureMessage, @LastEventAt, @RequestedAt, @ExpectedReadyAt, @UpdatedAt)
            ON CONFLICT (pledge_id, attempt) DO UPDATE SET
                status = excluded.status, setup_intent_id = excluded.setup_intent_id,
                client_secret = excluded.client_secret, customer_id = excluded.customer_id,
                payment_method_id = excluded.payment_method_id, failure_code = excluded.failure_code,
                decline_code = excluded.decline_code, failure_message = excluded.failure_message,
                last_event_at = excluded.last_event_at, updated_at = excluded.updated_at
            """, new
        {
            setup.PledgeId, setup.Attempt, Status = setup.Status.ToString(), setup.SetupIntentId, setup.ClientSecret,
            setup.CustomerId, setup.PaymentMethodId, setup.FailureCode, setup.DeclineCode, setup.FailureMessage,
            setup.LastEventAt, setup.RequestedAt, setup.ExpectedReadyAt, setup.UpdatedAt,
        }, transaction));

    public async Task<bool> IsEventRecordedAsync(string eventId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT FROM payment_events WHERE event_id = @eventId)", new { eventId });
    }

    public async Task<bool> RecordEventAsync(PaymentEvent paymentEvent, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            INSERT INTO payment_events (event_id, type, object_id, received_at) VALUES (@Id, @Type, @ObjectId, @now)
            ON CONFLICT (event_id) DO NOTHING
            """, new { paymentEvent.Id, paymentEvent.Type, paymentEvent.ObjectId, now }) == 1;
    }

    private sealed record SetupRow(Guid PledgeId, int Attempt, string Status, string? SetupIntentId, string? ClientSecret,
        string? CustomerId, string? PaymentMethodId, string? FailureCode, string? DeclineCode, string? FailureMessage,
        DateTimeOffset? LastEventAt, DateTimeOffset RequestedAt, DateTimeOffset ExpectedReadyAt, DateTimeOffset UpdatedAt)
    {
        public PaymentSetup ToSetup() => new(PledgeId, Attempt, Enum.Parse<SetupStatus>(Status), SetupIntentId, ClientSecret,
            CustomerId, PaymentMethodId, FailureCode, DeclineCode, FailureMessage, LastEventAt, RequestedAt, ExpectedReadyAt,
            UpdatedAt);
    }
}
