"""Identity numbers share core.crypto's key derivation; the keys are the ones every stored
number was written with, so nothing already in a database stops decrypting or matching."""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings

from linli.people import identity

NUMBER = "632301194801010015"


def _old_keys():
    derive = lambda label: hmac.new(settings.LINLI_DATA_KEY, label, hashlib.sha256).digest()  # noqa: E731
    fernet = Fernet(base64.urlsafe_b64encode(derive(b"linli:id-number:encrypt")))
    return fernet, derive(b"linli:id-number:lookup")


def test_it_reads_numbers_encrypted_with_the_keys_they_were_stored_with():
    old_fernet, old_lookup = _old_keys()
    assert identity.decrypt(old_fernet.encrypt(NUMBER.encode()).decode()) == NUMBER
    assert old_fernet.decrypt(identity.encrypt(NUMBER).encode()).decode() == NUMBER
    assert identity.lookup_hash(NUMBER) == hmac.new(old_lookup, NUMBER.encode(),
                                                     hashlib.sha256).hexdigest()
