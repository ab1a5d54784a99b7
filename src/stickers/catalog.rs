//! The sticker set, written by `scripts/update-stickers.sh` from
//! `assets/stickers/stickers.tsv` and Twemoji's graphics (@twemoji/svg@15.0.0, CC-BY 4.0):
//! edit the list and run the script rather than this file.

use super::Sticker;
use crate::timeline::FaceAnchor::{Centre, Eyes, HeadTop, Mouth, Nose};

/// A sticker from its picture's file name (in `assets/stickers/`), name, pin and words.
macro_rules! sticker {
    ($file:literal, $name:literal, $pin:ident, $words:literal) => {
        Sticker {
            name: $name,
            words: $words,
            pin: $pin,
            svg: include_str!(concat!("../../assets/stickers/", $file, ".svg")),
        }
    };
}

/// Every sticker, in the order the gallery shows them.
pub(super) const STICKERS: &[Sticker] = &[
    sticker!("1f600", "grinning", Centre, "smile happy joy face"),
    sticker!(
        "1f602",
        "tears-of-joy",
        Centre,
        "laugh lol crying funny face"
    ),
    sticker!(
        "1f923",
        "rolling-laughing",
        Centre,
        "rofl laugh funny lmao face"
    ),
    sticker!("1f60d", "heart-eyes", Centre, "love crush adore face"),
    sticker!(
        "1f970",
        "smiling-hearts",
        Centre,
        "love affection cute face"
    ),
    sticker!("1f618", "blowing-kiss", Centre, "kiss love face"),
    sticker!("1f60e", "cool-face", Centre, "sunglasses cool chill face"),
    sticker!("1f913", "nerd", Centre, "glasses geek smart face"),
    sticker!("1f914", "thinking", Centre, "hmm think wonder face"),
    sticker!(
        "1f928",
        "raised-eyebrow",
        Centre,
        "skeptical suspicious doubt face"
    ),
    sticker!(
        "1f644",
        "rolling-eyes",
        Centre,
        "eyeroll whatever bored face"
    ),
    sticker!("1f62d", "loudly-crying", Centre, "sad tears sob cry face"),
    sticker!("1f621", "angry", Centre, "mad rage furious face"),
    sticker!(
        "1f92f",
        "mind-blown",
        Centre,
        "exploding head shocked wow face"
    ),
    sticker!(
        "1f631",
        "screaming",
        Centre,
        "scream fear shock horror face"
    ),
    sticker!("1f633", "flushed", Centre, "embarrassed blush shy face"),
    sticker!(
        "1f973",
        "partying",
        Centre,
        "party celebrate birthday hat face"
    ),
    sticker!("1f634", "sleeping", Centre, "sleep tired zzz bored face"),
    sticker!("1f922", "nauseated", Centre, "sick green gross face"),
    sticker!("1f920", "cowboy", Centre, "cowboy hat yeehaw face"),
    sticker!("1f921", "clown", Centre, "clown joke face"),
    sticker!("1f92a", "zany", Centre, "crazy goofy silly face"),
    sticker!("1f911", "money-mouth", Centre, "rich dollar money face"),
    sticker!("1f92b", "shushing", Centre, "quiet secret hush face"),
    sticker!("1f97a", "pleading", Centre, "puppy eyes please cute face"),
    sticker!("1f62c", "grimacing", Centre, "awkward oops cringe face"),
    sticker!("1f607", "halo", Centre, "angel innocent saint face"),
    sticker!("1f608", "devil", Centre, "evil horns naughty face"),
    sticker!("1f47b", "ghost", Centre, "boo halloween spooky"),
    sticker!("1f480", "skull", Centre, "dead dying lol spooky"),
    sticker!("1f47d", "alien", Centre, "ufo space extraterrestrial"),
    sticker!("1f916", "robot", Centre, "bot machine ai"),
    sticker!("1f4a9", "poo", Centre, "poop funny"),
    sticker!("1f3a9", "top-hat", HeadTop, "hat gentleman magic fancy"),
    sticker!("1f451", "crown", HeadTop, "king queen royal winner hat"),
    sticker!("1f393", "graduation-cap", HeadTop, "school hat student"),
    sticker!("1f452", "sun-hat", HeadTop, "hat summer woman"),
    sticker!("1f9e2", "cap", HeadTop, "baseball hat billed cap"),
    sticker!("26d1", "helmet", HeadTop, "hat rescue safety"),
    sticker!("1f453", "glasses", Eyes, "spectacles nerd eyewear"),
    sticker!("1f576", "sunglasses", Eyes, "shades cool eyewear"),
    sticker!("1f97d", "goggles", Eyes, "swim eyewear"),
    sticker!("1f440", "eyes", Eyes, "look watch see"),
    sticker!("1f444", "lips", Mouth, "mouth kiss lips"),
    sticker!("1f445", "tongue", Mouth, "lick tongue silly"),
    sticker!("1f48b", "kiss-mark", Mouth, "lips lipstick kiss love"),
    sticker!("1f443", "nose", Nose, "nose smell"),
    sticker!("2764", "red-heart", Centre, "love heart like"),
    sticker!("1f9e1", "orange-heart", Centre, "love heart"),
    sticker!("1f49b", "yellow-heart", Centre, "love heart"),
    sticker!("1f49a", "green-heart", Centre, "love heart"),
    sticker!("1f499", "blue-heart", Centre, "love heart"),
    sticker!("1f49c", "purple-heart", Centre, "love heart"),
    sticker!("1f5a4", "black-heart", Centre, "love heart dark"),
    sticker!("1f494", "broken-heart", Centre, "heartbreak sad breakup"),
    sticker!("1f496", "sparkling-heart", Centre, "love heart shine"),
    sticker!("1f495", "two-hearts", Centre, "love hearts"),
    sticker!("1f525", "fire", Centre, "lit hot flame burn"),
    sticker!("2b50", "star", HeadTop, "favourite rating gold"),
    sticker!("1f31f", "glowing-star", HeadTop, "star shine sparkle"),
    sticker!("2728", "sparkles", HeadTop, "shine magic glitter new"),
    sticker!("1f4ab", "dizzy", HeadTop, "stars dizzy knocked"),
    sticker!("1f4a5", "boom", Centre, "collision explosion bang"),
    sticker!("1f4af", "hundred", Centre, "100 perfect score keep it"),
    sticker!("1f4a2", "anger", HeadTop, "mad angry symbol"),
    sticker!("1f4a6", "sweat-drops", HeadTop, "water splash sweat"),
    sticker!("1f4a8", "dash", Centre, "fast speed wind puff"),
    sticker!(
        "1f4ac",
        "speech-balloon",
        HeadTop,
        "talk chat comment bubble"
    ),
    sticker!("1f4ad", "thought-balloon", HeadTop, "think dream bubble"),
    sticker!("1f4a4", "zzz", HeadTop, "sleep tired snore"),
    sticker!("2b06", "arrow-up", Centre, "up arrow direction"),
    sticker!("2b07", "arrow-down", Centre, "down arrow direction"),
    sticker!("2b05", "arrow-left", Centre, "left arrow direction back"),
    sticker!("27a1", "arrow-right", Centre, "right arrow direction next"),
    sticker!("1f449", "point-right", Centre, "hand finger right this"),
    sticker!("1f448", "point-left", Centre, "hand finger left"),
    sticker!("1f446", "point-up", Centre, "hand finger up above"),
    sticker!(
        "1f447",
        "point-down",
        Centre,
        "hand finger down below subscribe"
    ),
    sticker!(
        "1f389",
        "party-popper",
        HeadTop,
        "tada celebrate confetti party"
    ),
    sticker!(
        "1f38a",
        "confetti-ball",
        HeadTop,
        "celebrate party confetti"
    ),
    sticker!("1f388", "balloon", Centre, "party birthday"),
    sticker!("1f381", "gift", Centre, "present birthday surprise"),
    sticker!(
        "1f382",
        "birthday-cake",
        Centre,
        "cake birthday party candles"
    ),
    sticker!(
        "1f942",
        "cheers",
        Centre,
        "clinking glasses toast celebrate drink"
    ),
    sticker!("1f44d", "thumbs-up", Centre, "like yes good approve"),
    sticker!("1f44e", "thumbs-down", Centre, "dislike no bad"),
    sticker!("1f44f", "clapping", Centre, "clap applause bravo"),
    sticker!("1f64c", "raised-hands", Centre, "hooray celebrate praise"),
    sticker!("270c", "peace", Centre, "victory hand two"),
    sticker!("1f918", "rock-on", Centre, "horns metal hand"),
    sticker!("1f44c", "ok-hand", Centre, "okay perfect hand"),
    sticker!("1f4aa", "strong", Centre, "muscle biceps flex gym"),
    sticker!("1f64f", "thank-you", Centre, "pray please folded hands"),
    sticker!("1f3ae", "game-controller", Centre, "gaming video game play"),
    sticker!("1f3c6", "trophy", Centre, "winner champion cup win"),
    sticker!("1f947", "gold-medal", Centre, "first winner medal"),
    sticker!("1f680", "rocket", Centre, "launch space fast moon"),
    sticker!("1f4b0", "money-bag", Centre, "rich cash dollar"),
    sticker!("1f48e", "gem", Centre, "diamond jewel shine"),
    sticker!("1f3b5", "music-note", HeadTop, "song music sound"),
    sticker!("1f3a4", "microphone", Mouth, "sing karaoke mic podcast"),
    sticker!("2705", "check", Centre, "yes done correct tick"),
    sticker!("274c", "cross", Centre, "no wrong fail x"),
    sticker!("2753", "question", HeadTop, "what ask confused"),
    sticker!("2757", "exclamation", HeadTop, "important warning alert"),
    sticker!("26a0", "warning", Centre, "caution alert danger"),
    sticker!("1f6a8", "siren", HeadTop, "alert police emergency light"),
    sticker!("1f514", "bell", Centre, "notification subscribe ring"),
    sticker!("1f195", "new", Centre, "new button badge"),
    sticker!("1f308", "rainbow", HeadTop, "pride colours weather"),
    sticker!(
        "26a1",
        "lightning",
        Centre,
        "zap high voltage electric fast"
    ),
    sticker!("1f984", "unicorn", Centre, "magic fantasy horse"),
    sticker!("1f431", "cat", Centre, "kitty pet meow"),
    sticker!("1f436", "dog", Centre, "puppy pet woof"),
    sticker!("1f430", "bunny", Centre, "rabbit ears pet cute"),
    sticker!("1f98b", "butterfly", Centre, "insect pretty nature"),
    sticker!("1f355", "pizza", Centre, "food slice"),
    sticker!("1f37f", "popcorn", Centre, "movie snack cinema"),
];
