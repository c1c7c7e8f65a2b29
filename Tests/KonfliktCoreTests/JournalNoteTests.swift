import Foundation
import Testing
@testable import KonfliktCore

/// The journal note for three typical screenings, compared line by line with golden text. The texts
/// come from the shipped form; a deliberate change of the form's texts changes these too.
@Suite struct JournalNoteTests {
    let form: Form

    init() throws { form = try Fixtures.defaultForm() }

    func note(_ answers: Answers, override: (actions: [String], reason: String)? = nil) -> String {
        let relevant = form.relevantAnswers(answers, today: Fixtures.today).answers
        return JournalNote.text(form: form, answers: relevant, decision: form.decide(answers, today: Fixtures.today),
                                override: override)
    }

    func compare(_ actual: String, _ expected: String) {
        let a = actual.components(separatedBy: "\n"), e = (expected + "\n").components(separatedBy: "\n")
        for index in 0..<max(a.count, e.count) {
            let left = index < a.count ? a[index] : "<ingen linje>", right = index < e.count ? e[index] : "<ingen linje>"
            #expect(left == right, "line \(index + 1)")
            if left != right { break }
        }
    }

    @Test func highConflictBothInterestedGetsTheCourse() {
        let answers: Answers = ["besoeg": .string("2mdr"),
                "besoegsdato": .string("2026-11-20"),
                "barn_cpr": .string("150926-4123"),
                "sundhedsplejerske": .string("AB"),
                "deltagere": .strings(["mor", "far"]),
                "informeret": .bool(true),
                "konfliktniveau": .string("hoejt"),
                "foraeldre_uenige": .bool(false),
                "alene_med_foraelder": .bool(true),
                "vold_mellem_foraeldre": .string("nej"),
                "akut_fare": .bool(false),
                "bekymring_trivsel": .string("nej"),
                "barn_udsat": .string("nej"),
                "interesse_gruppeforloeb": .string("begge"),
                "samtykke_kontakt": .bool(true)]
        compare(note(answers), #"""
        Konfliktscreening — 2-måneders besøg 20-11-2026
        Screeningsspørgsmålet blev stillet.

        Svar:
        - Hvem deltog i samtalen? Mor, Far.
        - Har du fortalt forældrene, at konfliktniveauet kan stige meget, når man bliver forældre, og at konflikter for nogle par kan ende i vold? Ja.
        - Hvordan er konfliktniveauet i jeres familie? Højt.
        - Var forældrene uenige om konfliktniveauet? Nej.
        - Er du alene med forælderen, så du kan spørge om vold uden at partneren hører det? Ja.
        - Har der været vold mellem jer? Nej.
        - Er barnet eller en forælder i akut fare lige nu? Nej.
        - Er du bekymret for barnets trivsel på grund af konflikter eller vold mellem forældrene? Nej.
        - Er barnet udsat for vold, eller er der grund til at tro det? Nej.
        - Er I interesserede i et gruppeforløb om konflikthåndtering ("Sammen uden vold")? Ja, begge forældre.
        - Giver forældrene samtykke til, at familiecentret kontakter dem om forløbet? Ja.

        Anbefaling:
        - Tilbud om gruppeforløb (Sammen uden vold)
          Begrundelse: Begge forældre er interesserede i gruppeforløbet og giver samtykke til kontakt. (Projekt "Sammen uden vold"; samtykke)

        Videre handling:
        - Send familiens kontaktoplysninger til familiecentret inden for 14 dage, så de kan kontakte forældrene om gruppeforløbet.

        Til familien:
        - Fortæl forældrene, at familiecentret kontakter dem om gruppeforløbet i "Sammen uden vold", og at forløbet er for begge forældre.

        Sundhedsplejerske: AB
        """#)
    }

    @Test func violenceWhereTellingIsUnsafeReportsAndTheCourseWaits() {
        let answers: Answers = ["besoeg": .string("8mdr"),
                "besoegsdato": .string("2026-11-20"),
                "barn_cpr": .string("150326-4123"),
                "sundhedsplejerske": .string("CD"),
                "deltagere": .strings(["mor", "far"]),
                "informeret": .bool(true),
                "konfliktniveau": .string("hoejt"),
                "foraeldre_uenige": .bool(false),
                "alene_med_foraelder": .bool(true),
                "vold_mellem_foraeldre": .string("ja"),
                "akut_fare": .bool(false),
                "bekymring_trivsel": .string("nej"),
                "barn_udsat": .string("nej"),
                "fare_ved_orientering": .bool(true),
                "interesse_gruppeforloeb": .string("begge"),
                "samtykke_kontakt": .bool(true),
                "henvisning_givet": .strings(["lev_uden_vold"])]
        compare(note(answers), #"""
        Konfliktscreening — 8-måneders besøg 20-11-2026
        Screeningsspørgsmålet blev stillet.

        Svar:
        - Hvem deltog i samtalen? Mor, Far.
        - Har du fortalt forældrene, at konfliktniveauet kan stige meget, når man bliver forældre, og at konflikter for nogle par kan ende i vold? Ja.
        - Hvordan er konfliktniveauet i jeres familie? Højt.
        - Var forældrene uenige om konfliktniveauet? Nej.
        - Er du alene med forælderen, så du kan spørge om vold uden at partneren hører det? Ja.
        - Har der været vold mellem jer? Ja.
        - Er barnet eller en forælder i akut fare lige nu? Nej.
        - Er du bekymret for barnets trivsel på grund af konflikter eller vold mellem forældrene? Nej.
        - Er barnet udsat for vold, eller er der grund til at tro det? Nej.
        - Kan det bringe barnet eller en forælder i fare, hvis forældrene får at vide, at du underretter? Ja.
        - Er I interesserede i et gruppeforløb om konflikthåndtering ("Sammen uden vold")? Ja, begge forældre.
        - Giver forældrene samtykke til, at familiecentret kontakter dem om forløbet? Ja.
        - Hvilke andre tilbud har du oplyst om? Lev Uden Volds hotline.

        Anbefaling:
        - Underretning til Familierådgivningen
          Begrundelse: Der har været vold mellem forældrene, hvilket giver grund til at tro, at barnet er udsat. (Barnets lov § 133)
          Begrundelse: Det kan bringe barnet eller en forælder i fare, hvis forældrene får at vide, at der underrettes. (Barnets lov § 133)
        - Gruppeforløb afventer Familierådgivningens vurdering
          Begrundelse: Begge forældre er interesserede i gruppeforløbet og giver samtykke til kontakt. (Projekt "Sammen uden vold"; samtykke)

        Videre handling:
        - Tal med Familierådgivningen, før forældrene orienteres. Skriv i underretningen, at en orientering kan bringe barnet eller en forælder i fare.
        - Send underretningen i dag til Familierådgivningen (skærpet underretningspligt, Barnets lov § 133). Pligten er personlig og kan ikke overlades til lederen. Skriv den, og orientér din faglige leder.
        - Tilbyd ikke gruppeforløbet nu. Skriv i underretningen, at forældrene er interesserede i gruppeforløbet, og følg op, når Familierådgivningen har vurderet sagen.

        Til familien:
        - Tal med den udsatte forælder alene om underretningen og om hjælp; sig det ikke, mens den anden forælder hører det.
        - Fortæl ikke forældrene om underretningen. Familierådgivningen beslutter, hvornår og hvordan de orienteres.
        - Lov ikke forældrene en plads på gruppeforløbet nu; det afhænger af Familierådgivningens vurdering.

        Hjælp til familien: Lev Uden Volds nationale hotline; Krisecentrene; Dialog mod Vold; Hjælp ved æresrelaterede konflikter.

        Sundhedsplejerske: CD
        """#)
    }

    @Test func aVisitWithoutScreeningWithAnOverride() {
        let answers: Answers = ["besoeg": .string("2mdr"),
                "besoegsdato": .string("2026-11-20"),
                "barn_cpr": .string("150926-4123"),
                "sundhedsplejerske": .string("AB"),
                "deltagere": .strings(["mor", "far"]),
                "screening_gennemfoert": .bool(false),
                "screening_ikke_aarsag": .string("partner_til_stede"),
                "akut_fare": .bool(false),
                "bekymring_trivsel": .string("nej"),
                "barn_udsat": .string("nej"),
                "note": .string("Far svarede for mor")]
        compare(note(answers, override: (["opfoelgning_alene", "info_raadgivning"], "Mor bad selv om folderen.")), #"""
        Konfliktscreening — 2-måneders besøg 20-11-2026
        Screeningsspørgsmålet blev ikke stillet. Årsag: Partneren var til stede, og det var ikke sikkert at spørge.

        Svar:
        - Hvem deltog i samtalen? Mor, Far.
        - Er barnet eller en forælder i akut fare lige nu? Nej.
        - Er du bekymret for barnets trivsel på grund af konflikter eller vold mellem forældrene? Nej.
        - Er barnet udsat for vold, eller er der grund til at tro det? Nej.
        - Note: Far svarede for mor.

        Anbefaling:
        - Opfølgning: spørg om vold, når du er alene med forælderen
          Begrundelse: Screeningen blev ikke gennemført, fordi partneren var til stede, og det ikke var sikkert at spørge.

        Sundhedsplejersken valgte i stedet: Opfølgning: spørg om vold, når du er alene med forælderen, Information om rådgivning og hjælp.
          Begrundelse: Mor bad selv om folderen.

        Videre handling:
        - Find inden for 4 uger en lejlighed til at tale med forælderen alene (et ekstra besøg eller en opringning, når partneren ikke er til stede), og stil spørgsmålet om vold der.
        - Giv forældrene folderen med hjælpemuligheder (konflikt leaflet), og gennemgå den kort.

        Til familien:
        - Aftal blot en ny kontakt. Nævn ikke vold, mens partneren kan høre det.
        - Fortæl forældrene, hvor de kan få rådgivning om konflikter og vold, også anonymt, og at de altid kan kontakte sundhedsplejen.

        Hjælp til familien: Kommunens åbne, anonyme rådgivning; Lev Uden Volds nationale hotline; Dialog mod Vold.

        Sundhedsplejerske: AB
        """#)
    }

    @Test func theNoteNeverHoldsTheCPRNumber() {
        let answers: Answers = ["besoeg": .string("2mdr"),
                "besoegsdato": .string("2026-11-20"),
                "barn_cpr": .string("150926-4123"),
                "sundhedsplejerske": .string("AB"),
                "deltagere": .strings(["mor", "far"]),
                "informeret": .bool(true),
                "konfliktniveau": .string("hoejt"),
                "foraeldre_uenige": .bool(false),
                "alene_med_foraelder": .bool(true),
                "vold_mellem_foraeldre": .string("nej"),
                "akut_fare": .bool(false),
                "bekymring_trivsel": .string("nej"),
                "barn_udsat": .string("nej"),
                "interesse_gruppeforloeb": .string("begge"),
                "samtykke_kontakt": .bool(true)]
        #expect(!note(answers).contains("4123"))
        #expect(!note(answers).contains("150926"))
    }
}
