using System.Globalization;
using Crowdfund.Domain.Rules;

namespace Crowdfund.Host.Pages;

/// <summary>
/// What the backers' pages say, in the four languages of the backers' mail (<see cref="BackerLocales.Languages"/>).
/// Each entry is English, French, German, Spanish; a test holds every entry to four texts. The team's pages are in
/// English only: the team is one office.
/// </summary>
public sealed class PageTexts
{
    private static readonly Dictionary<string, string[]> All = new(StringComparer.Ordinal)
    {
        ["country"] = ["Country", "Pays", "Land", "País"],
        ["language"] = ["Language", "Langue", "Sprache", "Idioma"],
        ["show"] = ["Show", "Afficher", "Anzeigen", "Mostrar"],
        ["progress"] = ["{0} of {1} units pre-ordered", "{0} unités précommandées sur {1}", "{0} von {1} Geräten vorbestellt", "{0} de {1} unidades reservadas"],
        ["confirmed"] = ["Manufacturing is confirmed!", "La fabrication est confirmée !", "Die Produktion ist bestätigt!", "¡La fabricación está confirmada!"],
        ["ends"] = ["Ends {0}", "Se termine le {0}", "Endet am {0}", "Termina el {0}"],
        ["tiers"] = ["Choose your reward", "Choisissez votre contrepartie", "Wählen Sie Ihre Belohnung", "Elige tu recompensa"],
        ["left"] = ["{0} left", "Plus que {0}", "Noch {0}", "Quedan {0}"],
        ["soldOut"] = ["Sold out", "Épuisé", "Ausverkauft", "Agotado"],
        ["soldOutOthers"] = ["This reward is sold out; the others are still open.", "Cette contrepartie est épuisée ; les autres restent disponibles.", "Diese Belohnung ist ausverkauft; die anderen sind noch zu haben.", "Esta recompensa está agotada; las demás siguen disponibles."],
        ["noShipping"] = ["Not shipped to this country", "Pas de livraison dans ce pays", "Kein Versand in dieses Land", "No se envía a este país"],
        ["pricesIn"] = ["Prices in {0}", "Prix en {0}", "Preise in {0}", "Precios en {0}"],
        ["notLive"] = ["The campaign is not taking pledges.", "La campagne ne prend pas de contributions.", "Die Kampagne nimmt keine Unterstützung an.", "La campaña no admite aportaciones."],
        ["price"] = ["Price", "Prix", "Preis", "Precio"],
        ["shipping"] = ["Shipping", "Livraison", "Versand", "Envío"],
        ["vatIncluded"] = ["incl. {0} VAT", "dont TVA {0}", "inkl. {0} MwSt.", "IVA {0} incluido"],
        ["taxAdded"] = ["Tax {0}", "Taxes {0}", "Steuer {0}", "Impuestos {0}"],
        ["total"] = ["Total", "Total", "Gesamt", "Total"],
        ["delivery"] = ["Estimated delivery: {0}", "Livraison estimée : {0}", "Voraussichtliche Lieferung: {0}", "Entrega estimada: {0}"],
        ["perReward"] = ["{0} units per reward", "{0} unités par contrepartie", "{0} Geräte pro Belohnung", "{0} unidades por recompensa"],
        ["pledge"] = ["Your pledge", "Votre contribution", "Ihre Unterstützung", "Tu aportación"],
        ["quantity"] = ["Quantity", "Quantité", "Anzahl", "Cantidad"],
        ["name"] = ["Your name", "Votre nom", "Ihr Name", "Tu nombre"],
        ["email"] = ["Email", "E-mail", "E-Mail", "Correo electrónico"],
        ["line1"] = ["Address", "Adresse", "Adresse", "Dirección"],
        ["line2"] = ["Address, line 2 (optional)", "Complément d'adresse (facultatif)", "Adresszusatz (optional)", "Dirección, línea 2 (opcional)"],
        ["city"] = ["City", "Ville", "Ort", "Ciudad"],
        ["region"] = ["State or province (optional)", "Région (facultatif)", "Bundesland (optional)", "Provincia (opcional)"],
        ["postalCode"] = ["Postal code", "Code postal", "Postleitzahl", "Código postal"],
        ["reserve"] = ["Pledge", "Contribuer", "Unterstützen", "Apoyar"],
        ["chargeLater"] = ["Your card is saved now and charged only if the campaign reaches its goal by the deadline.", "Votre carte est enregistrée maintenant et débitée seulement si la campagne atteint son objectif à temps.", "Ihre Karte wird jetzt gespeichert und nur belastet, wenn die Kampagne ihr Ziel bis zum Stichtag erreicht.", "Tu tarjeta se guarda ahora y solo se cobra si la campaña alcanza su objetivo a tiempo."],
        ["scriptNeeded"] = ["Pledging saves your card in the browser: please turn on JavaScript.", "La contribution enregistre votre carte dans le navigateur : activez JavaScript.", "Beim Unterstützen wird Ihre Karte im Browser gespeichert: Bitte aktivieren Sie JavaScript.", "Para apoyar se guarda tu tarjeta en el navegador: activa JavaScript."],
        ["card"] = ["Card", "Carte", "Karte", "Tarjeta"],
        ["testCard"] = ["Test card (Stripe emulator, no real payment)", "Carte de test (émulateur Stripe, aucun paiement réel)", "Testkarte (Stripe-Emulator, keine echte Zahlung)", "Tarjeta de prueba (emulador de Stripe, sin pago real)"],
        ["saveCard"] = ["Save card", "Enregistrer la carte", "Karte speichern", "Guardar tarjeta"],
        ["reserved"] = ["Your reward is held for you. Save your card to confirm the pledge.", "Votre contrepartie vous est réservée. Enregistrez votre carte pour confirmer.", "Ihre Belohnung ist für Sie reserviert. Speichern Sie Ihre Karte, um zu bestätigen.", "Tu recompensa está reservada. Guarda tu tarjeta para confirmar."],
        ["queued"] = ["Waiting for the payment provider: place {0}, about {1} s.", "En attente du prestataire de paiement : place {0}, environ {1} s.", "Warten auf den Zahlungsdienst: Platz {0}, etwa {1} s.", "Esperando al proveedor de pagos: puesto {0}, unos {1} s."],
        ["saving"] = ["Saving your card…", "Enregistrement de la carte…", "Karte wird gespeichert…", "Guardando la tarjeta…"],
        ["cardRefused"] = ["The card was refused. Try another card.", "La carte a été refusée. Essayez une autre carte.", "Die Karte wurde abgelehnt. Versuchen Sie eine andere Karte.", "La tarjeta fue rechazada. Prueba con otra."],
        ["stages"] = ["Production news", "Nouvelles de la production", "Neues aus der Produktion", "Novedades de la producción"],
        ["noStages"] = ["No production news yet.", "Pas encore de nouvelles de la production.", "Noch keine Neuigkeiten aus der Produktion.", "Aún no hay novedades de la producción."],
        ["stage.tooling"] = ["Tooling", "Outillage", "Werkzeugbau", "Utillaje"],
        ["stage.certification"] = ["Certification (CE, FCC)", "Certification (CE, FCC)", "Zertifizierung (CE, FCC)", "Certificación (CE, FCC)"],
        ["stage.pre-series"] = ["Pre-series", "Présérie", "Vorserie", "Preserie"],
        ["stage.mass-production"] = ["Mass production", "Production en série", "Serienfertigung", "Producción en serie"],
        ["stage.quality-check"] = ["Quality check", "Contrôle qualité", "Qualitätsprüfung", "Control de calidad"],
        ["stage.packing"] = ["Packing", "Emballage", "Verpackung", "Embalaje"],
        ["stage.left-factory"] = ["Left the factory", "Sorti de l'usine", "Hat das Werk verlassen", "Salió de la fábrica"],
        ["order"] = ["Your order {0}", "Votre commande {0}", "Ihre Bestellung {0}", "Tu pedido {0}"],
        ["sentToFactory"] = ["Sent to the factory {0}", "Transmise à l'usine le {0}", "An das Werk übermittelt am {0}", "Enviado a la fábrica el {0}"],
        ["ackByFactory"] = ["Confirmed by the factory {0}", "Confirmée par l'usine le {0}", "Vom Werk bestätigt am {0}", "Confirmado por la fábrica el {0}"],
        ["shipped"] = ["Shipped {0} with {1}.", "Expédiée le {0} par {1}.", "Versandt am {0} mit {1}.", "Enviado el {0} con {1}."],
        ["trackingNumber"] = ["Tracking number:", "Numéro de suivi\u00A0:", "Sendungsnummer:", "Número de seguimiento:"],
        ["notShipped"] = ["Not shipped yet.", "Pas encore expédiée.", "Noch nicht versandt.", "Aún no enviado."],
        ["tracking"] = ["Tracking", "Suivi", "Sendungsverfolgung", "Seguimiento"],
        ["status"] = ["Status", "Statut", "Status", "Estado"],
        ["tier"] = ["Reward", "Contrepartie", "Belohnung", "Recompensa"],
        ["subtotal"] = ["Subtotal", "Sous-total", "Zwischensumme", "Subtotal"],
        ["tax"] = ["Tax", "Taxes", "Steuer", "Impuestos"],
        ["change"] = ["Change pledge", "Modifier", "Ändern", "Cambiar"],
        ["cancel"] = ["Cancel pledge", "Annuler la contribution", "Unterstützung stornieren", "Cancelar la aportación"],
        ["changed"] = ["Your pledge is changed.", "Votre contribution est modifiée.", "Ihre Unterstützung wurde geändert.", "Tu aportación ha cambiado."],
        ["cancelled"] = ["Your pledge is cancelled.", "Votre contribution est annulée.", "Ihre Unterstützung wurde storniert.", "Tu aportación está cancelada."],
        ["holdUntil"] = ["Held until {0}", "Réservé jusqu'au {0}", "Reserviert bis {0}", "Reservado hasta el {0}"],
        ["fixBy"] = ["Please fix the payment before {0}.", "Merci de régulariser le paiement avant le {0}.", "Bitte beheben Sie die Zahlung vor dem {0}.", "Soluciona el pago antes del {0}."],
        ["paymentFailed"] = ["The payment failed. Save another card: it is charged at once.", "Le paiement a échoué. Enregistrez une autre carte : elle sera débitée aussitôt.", "Die Zahlung ist fehlgeschlagen. Speichern Sie eine andere Karte: Sie wird sofort belastet.", "El pago ha fallado. Guarda otra tarjeta: se cobrará enseguida."],
        ["authenticate"] = ["Your bank asks you to confirm the payment.", "Votre banque vous demande de confirmer le paiement.", "Ihre Bank bittet Sie, die Zahlung zu bestätigen.", "Tu banco te pide confirmar el pago."],
        ["declined"] = ["Your bank declined the payment of {0}.", "Votre banque a refusé le paiement de {0}.", "Ihre Bank hat die Zahlung über {0} abgelehnt.", "Tu banco ha rechazado el pago de {0}."],
        ["toConfirm"] = ["Your bank asks you to confirm the payment of {0} (3-D Secure). Confirm it here, or save another card.", "Votre banque vous demande de confirmer le paiement de {0} (3-D Secure). Confirmez-le ici, ou enregistrez une autre carte.", "Ihre Bank bittet Sie, die Zahlung über {0} zu bestätigen (3-D Secure). Bestätigen Sie sie hier oder speichern Sie eine andere Karte.", "Tu banco te pide confirmar el pago de {0} (3-D Secure). Confírmalo aquí o guarda otra tarjeta."],
        ["authenticating"] = ["Opening your bank's confirmation…", "Ouverture de la confirmation de votre banque…", "Die Bestätigung Ihrer Bank wird geöffnet…", "Abriendo la confirmación de tu banco…"],
        ["authenticated"] = ["Thank you: your bank confirmed the payment. It is being completed…", "Merci : votre banque a confirmé le paiement. Il est en cours de finalisation…", "Danke: Ihre Bank hat die Zahlung bestätigt. Sie wird gerade abgeschlossen…", "Gracias: tu banco ha confirmado el pago. Se está completando…"],
        ["authFailed"] = ["The confirmation did not go through. Try again, or save another card.", "La confirmation n'a pas abouti. Réessayez, ou enregistrez une autre carte.", "Die Bestätigung ist nicht gelungen. Versuchen Sie es erneut oder speichern Sie eine andere Karte.", "La confirmación no se ha completado. Inténtalo de nuevo o guarda otra tarjeta."],
        ["newCard"] = ["A new card", "Une nouvelle carte", "Eine neue Karte", "Una tarjeta nueva"],
        ["otherCard"] = ["Or use another card", "Ou utilisez une autre carte", "Oder eine andere Karte verwenden", "O usa otra tarjeta"],
        ["charging"] = ["Card saved. Charging it now…", "Carte enregistrée. Débit en cours…", "Karte gespeichert. Sie wird jetzt belastet…", "Tarjeta guardada. Cobrando ahora…"],
        ["confirmPayment"] = ["Confirm the payment", "Confirmer le paiement", "Zahlung bestätigen", "Confirmar el pago"],
        ["notFound"] = ["This link is not valid.", "Ce lien n'est pas valide.", "Dieser Link ist ungültig.", "Este enlace no es válido."],
        ["error"] = ["Something went wrong. Please try again.", "Une erreur est survenue. Réessayez.", "Etwas ist schiefgegangen. Bitte versuchen Sie es erneut.", "Algo ha fallado. Inténtalo de nuevo."],
        ["err.required"] = ["Please fill this in.", "Ce champ est obligatoire.", "Bitte ausfüllen.", "Rellena este campo."],
        ["err.too_long"] = ["This is too long.", "C'est trop long.", "Das ist zu lang.", "Es demasiado largo."],
        ["err.text_invalid"] = ["This holds characters that are not allowed.", "Ce texte contient des caractères non autorisés.", "Hier stehen unzulässige Zeichen.", "Contiene caracteres no permitidos."],
        ["err.email_invalid"] = ["This email address is not valid.", "Cette adresse e-mail n'est pas valide.", "Diese E-Mail-Adresse ist ungültig.", "Este correo no es válido."],
        ["err.postal_code_invalid"] = ["This postal code is not valid for the country.", "Ce code postal n'est pas valide pour ce pays.", "Diese Postleitzahl passt nicht zum Land.", "Este código postal no es válido para el país."],
        ["err.out_of_range"] = ["Choose a quantity from 1 to 100.", "Choisissez une quantité de 1 à 100.", "Wählen Sie eine Anzahl von 1 bis 100.", "Elige una cantidad de 1 a 100."],
        ["err.sold-out"] = ["Sold out: choose another reward.", "Épuisé : choisissez une autre contrepartie.", "Ausverkauft: Wählen Sie eine andere Belohnung.", "Agotado: elige otra recompensa."],
        ["err.quantity-out-of-range"] = ["That many are not available for this reward.", "Cette quantité n'est pas disponible pour cette contrepartie.", "So viele sind für diese Belohnung nicht verfügbar.", "No hay tantas disponibles para esta recompensa."],
        ["err.not-shipping-there"] = ["This reward is not shipped to your country.", "Cette contrepartie n'est pas livrée dans votre pays.", "Diese Belohnung wird nicht in Ihr Land versandt.", "Esta recompensa no se envía a tu país."],
        ["err.campaign-not-live"] = ["The campaign is not open for pledges.", "La campagne n'accepte pas de contributions.", "Die Kampagne nimmt keine Unterstützung an.", "La campaña no admite aportaciones."],
        ["err.invalid-pledge-state"] = ["The pledge cannot be changed any more.", "La contribution ne peut plus être modifiée.", "Die Unterstützung kann nicht mehr geändert werden.", "La aportación ya no se puede cambiar."],
        ["err.busy"] = ["Many backers at once: please try again in a moment.", "Beaucoup de monde en même temps : réessayez dans un instant.", "Gerade sehr viel Andrang: Bitte versuchen Sie es gleich noch einmal.", "Hay mucha gente a la vez: inténtalo en un momento."],
        ["err.tierId"] = ["Choose a reward.", "Choisissez une contrepartie.", "Wählen Sie eine Belohnung.", "Elige una recompensa."],
        ["s.Reserved"] = ["Reserved, card not saved yet", "Réservée, carte pas encore enregistrée", "Reserviert, Karte noch nicht gespeichert", "Reservada, tarjeta aún no guardada"],
        ["s.Confirmed"] = ["Confirmed", "Confirmée", "Bestätigt", "Confirmada"],
        ["s.Cancelled"] = ["Cancelled", "Annulée", "Storniert", "Cancelada"],
        ["s.Expired"] = ["Expired", "Expirée", "Abgelaufen", "Caducada"],
        ["s.Released"] = ["Released: the campaign did not reach its goal", "Libérée : la campagne n'a pas atteint son objectif", "Freigegeben: Die Kampagne hat ihr Ziel verfehlt", "Liberada: la campaña no alcanzó su objetivo"],
        ["s.PaymentPending"] = ["Payment in progress", "Paiement en cours", "Zahlung läuft", "Pago en curso"],
        ["s.Collected"] = ["Paid", "Payée", "Bezahlt", "Pagada"],
        ["s.PaymentFailed"] = ["Payment failed", "Paiement échoué", "Zahlung fehlgeschlagen", "Pago fallido"],
        ["s.ActionRequired"] = ["Your bank asks for confirmation", "Votre banque demande une confirmation", "Ihre Bank bittet um Bestätigung", "Tu banco pide una confirmación"],
        ["s.Dropped"] = ["Dropped: the payment was not completed in time", "Abandonnée : le paiement n'a pas abouti à temps", "Verfallen: Die Zahlung kam nicht rechtzeitig zustande", "Anulada: el pago no se completó a tiempo"],
        ["s.Refunded"] = ["Refunded", "Remboursée", "Erstattet", "Reembolsada"],
        ["s.Disputed"] = ["Disputed with your bank", "Contestée auprès de votre banque", "Bei Ihrer Bank beanstandet", "Disputada con tu banco"],
        ["s.PartiallyRefunded"] = ["Partly refunded", "Remboursée en partie", "Teilweise erstattet", "Reembolsada en parte"],
    };

    /// <summary>The keys the pages' scripts need (errors and the card step), handed to them as JSON.</summary>
    private static readonly string[] ScriptKeys =
        ["reserved", "queued", "saving", "cardRefused", "error", "soldOut", "left", "progress", "confirmed", "authenticating", "charging"];

    private readonly int index;

    private PageTexts(string language) => (Language, index) = (language, Array.IndexOf(Languages, language));

    public static readonly string[] Languages = ["en", "fr", "de", "es"];

    public string Language { get; }

    public static PageTexts For(string language) => new(Languages.Contains(language) ? language : "en");

    public static IEnumerable<string> Keys => All.Keys;

    public static int CountFor(string key) => All[key].Length;

    public string this[string key] => All.TryGetValue(key, out var texts) ? texts[index] : key;

    public string Format(string key, params object[] values) => string.Format(CultureInfo.InvariantCulture, this[key], values);

    /// <summary>The texts the page's script shows: every error and the card step's, keyed as the API names them.</summary>
    public Dictionary<string, string> ForScript() =>
        All.Where(e => e.Key.StartsWith("err.", StringComparison.Ordinal) || ScriptKeys.Contains(e.Key))
            .ToDictionary(e => e.Key, e => e.Value[index], StringComparer.Ordinal);

    /// <summary>The name of a language in itself, for the language menu.</summary>
    public static string NameOf(string language) => language switch
    {
        "fr" => "Français", "de" => "Deutsch", "es" => "Español", _ => "English",
    };
}
